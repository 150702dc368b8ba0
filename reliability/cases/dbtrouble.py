"""Case 7: PostgreSQL stopped in the middle of a cleanup, then started again: the run fails
cleanly, /health answers promptly, the next run converges."""
import json
import os
import random
import signal
import subprocess
import sys
import time

from lib.cli import cli_available, cli_start, cli_until_done
from lib.context import SEED, WORK, log, wait_for
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import pg_ctl, pg_up, psql, reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env, scheduled_cleanup
from lib.web import http, upload


def run(args):
    rng = random.Random(SEED + 7)
    data = os.path.join(WORK, "dbtrouble-data")
    fresh_dir(data)
    reset_schema()
    env = base_env(data, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24")
    service = Service("dbtrouble", env).start().wait_up()
    use_cli = cli_available()
    out = os.path.join(WORK, "dbtrouble-cli.log")

    def restore(*_):
        if not pg_up():
            pg_ctl("start")
            wait_for(pg_up, 60, 0.5)

    previous = {s: signal.signal(s, lambda *a: (restore(), sys.exit(130)))
                for s in (signal.SIGINT, signal.SIGTERM)}
    result = {}
    try:
        wait_for(lambda: not scalar("select count(*) from cleanup_lock where run_id is not null"),
                 60)
        d = Dataset.standard(data, rng, expired=args.expired)
        log_mark = len(service.log_text())
        proc = None
        if use_cli:
            proc = cli_start([], env, out)
        else:
            psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")
        wait_for(lambda: scalar("select count(*) from jobs where status = 'deleting'") > 0, 120,
                 0.05)
        stopped_at = time.time()
        pg_ctl("stop")
        log("dbtrouble: PostgreSQL stopped mid-cleanup")
        health = []
        # PostgreSQL is shared: keep it down as briefly as the observations allow
        for _ in range(2):
            began = time.time()
            try:
                status, body = http("GET", service.port, "/health", timeout=12)
            except OSError as e:
                status, body = -1, str(e)
            health.append({"status": status, "seconds": round(time.time() - began, 1),
                           "db": _health_part(body, "db")})
        began = time.time()
        try:
            upload_status = upload(service.port, "down.csv", b"a,b\n1,2\n", timeout=12)[0]
        except OSError as e:
            upload_status = str(e)
        upload_seconds = round(time.time() - began, 1)
        if proc is not None:
            try:
                rc = proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                rc = "still running 45 s after PostgreSQL stopped (killed)"
            with open(out, "rb") as f:
                failure_text = f.read().decode("utf-8", "replace")[-1500:]
        else:
            wait_for(lambda: "failed" in service.log_text()[log_mark:], 45, 0.5)
            rc = "n/a (scheduled run)"
            failure_text = "\n".join(
                line[:400] for line in service.log_text()[log_mark:].splitlines()
                if "leanup" in line and ("failed" in line or "ERROR" in line))[-2000:]
        run_seconds = round(time.time() - stopped_at, 1)
        pg_ctl("start")
        wait_for(pg_up, 60, 0.5)
        log("dbtrouble: PostgreSQL started again")
        wait_for(lambda: http("GET", service.port, "/health", timeout=40)[0] == 200, 60, 1)
        health_after = http("GET", service.port, "/health", timeout=40)[0]
        if use_cli:
            rc2, refused = cli_until_done(["--quiet"], env, out)
        else:
            refused = 0
            wait_for(lambda: not scalar(
                "select count(*) from cleanup_lock where run_id is not null "
                "and heartbeat_at > now() - interval '5 seconds'"), 60, 0.5)
            rc2 = scheduled_cleanup(service)[0]
        interrupted = rows(f"""select outcome, coalesce(errors, '') from cleanup_runs
                                where "trigger" = '{"cli" if use_cli else "schedule"}'
                                  and started_at <= to_timestamp({stopped_at})
                                order by started_at desc limit 1""")
        problems = d.violations(True)
        healthy_answers = all(h["status"] in (200, 503) and h["seconds"] < 10 for h in health)
        ok = (healthy_answers and health_after == 200 and rc2 in (0, "succeeded")
              and not problems and (not use_cli or rc in (1, 4)))
        result = {"status": "ok" if ok else "failed", "trigger": "cli" if use_cli else "schedule",
                  "exit_when_db_stopped": rc, "seconds_to_fail": run_seconds,
                  "health_while_down": health, "upload_while_down": upload_status,
                  "upload_seconds": upload_seconds, "health_after_restart": health_after,
                  "interrupted_run": interrupted[0] if interrupted else None,
                  "next_run": rc2, "exit_3_retries": refused, "violations": len(problems),
                  "details": {"failure_text": failure_text, "violations": problems[:10]}}
    finally:
        restore()
        for s, h in previous.items():
            signal.signal(s, h)
        service.stop()
    save("dbtrouble", result)


def _health_part(body, name):
    try:
        return json.loads(body).get("components", {}).get(name, {}).get("status")
    except ValueError:
        return body[:80]
