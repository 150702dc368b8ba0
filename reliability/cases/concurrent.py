"""Case 3: the CLI, the API and the schedule started together: exactly one cleanup proceeds; a
killed holder keeps the lock until its lease passes, and not longer."""
import os
import random
import signal
import threading
import time
import uuid

from lib.cli import cli_available, cli_run, cli_start, cli_until_done
from lib.context import SEED, WORK, log
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import psql, reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env
from lib.web import admin


def run(args):
    if not cli_available():
        return save("concurrent", {"status": "skipped", "why": "the cleanup CLI is not in this build"})
    rng = random.Random(SEED + 3)
    data = os.path.join(WORK, "concurrent-data")
    fresh_dir(data)
    reset_schema()
    env = base_env(data, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                   CLEANUP_LOCK_LEASE_SECONDS="5")
    service = Service("concurrent", env).start().wait_up()
    out = os.path.join(WORK, "concurrent-cli.log")
    try:
        # many names that are not ours: every run walks and records them all and deletes
        # nothing, so it lasts longer than the CLI takes to start
        d = Dataset(data, rng)
        for _ in range(args.kept):
            d.foreign(f"x{uuid.uuid4().hex}")
        rounds, details = args.rounds, []
        exactly_one = 0
        for n in range(rounds):
            before = scalar("select count(*) from cleanup_runs")
            skipped_before = service.log_text().count("Scheduled cleanup skipped")
            results = {}

            def via_cli():
                results["cli"] = cli_run(["--quiet"], env, out)

            def via_api():
                results["api"] = admin("POST", service.port, "/cleanup/run?wait=true")[0]

            cli = threading.Thread(target=via_cli)
            cli.start()
            time.sleep(args.cli_head_start)  # the CLI's JVM needs a moment to reach the lock
            api = threading.Thread(target=via_api)
            api.start()
            psql("update scheduled_tasks set execution_time = now() "
                 "where task_name = 'run_cleanup'")
            cli.join()
            api.join()
            deadline = time.time() + 60
            while time.time() < deadline and (
                    scalar("select count(*) from cleanup_lock where run_id is not null")
                    or scalar("select count(*) from scheduled_tasks where task_name = "
                              "'run_cleanup' and picked")):
                time.sleep(0.3)
            new_runs = rows(f"""select "trigger", outcome from cleanup_runs
                                order by started_at offset {before}""")
            skipped = service.log_text().count("Scheduled cleanup skipped") - skipped_before
            proceeded = [r[0] for r in new_runs]
            refused = {"cli": results.get("cli") == 3, "api": results.get("api") == 409,
                       "schedule": skipped == 1}
            ok = (len(proceeded) == 1 and sum(refused.values()) == 2
                  and not refused.get(proceeded[0]))
            exactly_one += 1 if ok else 0
            details.append({"round": n + 1, "proceeded": proceeded, "cli_exit": results.get("cli"),
                            "api_status": results.get("api"), "schedule_skipped": skipped,
                            "held": ok})
            log(f"concurrent: round {n + 1}: proceeded {proceeded}, cli {results.get('cli')}, "
                f"api {results.get('api')}, schedule skipped {skipped}: {'held' if ok else 'NO'}")

        # a killed holder keeps the lock until its lease passes, and not longer
        proc = cli_start(["--quiet"], env, out)
        deadline = time.time() + 60
        while time.time() < deadline and not scalar(
                "select count(*) from cleanup_lock where run_id is not null"):
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = time.time()
        right_after = cli_run(["--quiet"], env, out)
        api_right_after = admin("POST", service.port, "/cleanup/run")[0]
        rc, refused = cli_until_done(["--quiet"], env, out)
        released_after = time.time() - killed_at
        spans = rows("""select extract(epoch from started_at), extract(epoch from finished_at)
                          from cleanup_runs where finished_at is not null order by started_at""")
        overlapping = sum(1 for a, b in zip(spans, spans[1:]) if float(b[0]) < float(a[1]))
        lease_ok = right_after == 3 and api_right_after == 409 and rc == 0 and released_after < 30
        save("concurrent", {
            "status": "ok" if exactly_one == rounds and lease_ok and not overlapping else "failed",
            "rounds": rounds, "rounds_exactly_one": exactly_one,
            "runs_recorded": len(spans), "overlapping_runs": overlapping,
            "kill_holder": {"cli_right_after": right_after, "api_right_after": api_right_after,
                            "taken_over_after_s": round(released_after, 1),
                            "final_exit": rc, "lease_s": 5},
            "details": details})
    finally:
        service.stop()
