"""Case 2: deletion racing live work: uploads while orphan sweeps with no grace window run from the
schedule, the CLI and the API in loops; no upload may lose a file."""
import json
import os
import random
import threading
import time

from lib.cli import cli_available, cli_run
from lib.context import SEED, WORK
from lib.dataset import Dataset, csv_content
from lib.files import fresh_dir
from lib.pg import reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env, migrate
from lib.web import admin, api_jobs, http, upload


def run(args):
    rng = random.Random(SEED + 2)
    data = os.path.join(WORK, "race-data")
    fresh_dir(data)
    reset_schema()
    env = base_env(data, PROCESSOR="profile", ORPHAN_GRACE_HOURS="0",
                   CLEANUP_INTERVAL_HOURS="0.0003", CLEANUP_ENABLED="true",
                   MAX_CONCURRENT_JOBS="2", SCHEDULER_HEARTBEAT_SECONDS="5")
    # seeded before the service starts: the harness writes files before rows, which a sweep with
    # no grace window rightly takes for orphans (the service itself inserts the row first)
    migrate(data)
    seeded = Dataset(data, rng)
    for _ in range(300):
        seeded.orphan_upload(0.01)
        seeded.orphan_output(0.01)
    # jobs kept by retention: every sweep walks their files too, so sweeps last long enough to
    # overlap many uploads, and none of these may be touched
    for _ in range(args.race_kept):
        seeded.job("completed", completed_days_ago=1)
    seeded.commit()
    service = Service("race", env).start().wait_up()
    use_cli = cli_available()
    stop = threading.Event()
    uploads, failures, cli_exits, api_answers = [], [], {}, {}
    lock = threading.Lock()
    try:

        def uploader(worker):
            r = random.Random(SEED + 100 + worker)
            while not stop.is_set():
                began = time.time()
                try:
                    status, body = upload(service.port, f"live {worker}.csv",
                                          csv_content(r, r.randint(5, 400)))
                except OSError as e:
                    status, body = -1, str(e)
                with lock:
                    if status == 201:
                        uploads.append((json.loads(body)["id"], began, time.time()))
                    else:
                        failures.append((status, body[:200]))
                time.sleep(max(0.0, 0.25 - (time.time() - began)))

        def cli_loop():
            out = os.path.join(WORK, "race-cli.log")
            while not stop.is_set():
                rc = cli_run(["--orphaned-only", "--quiet"], env, out)
                cli_exits[rc] = cli_exits.get(rc, 0) + 1

        def api_loop():
            while not stop.is_set():
                status, _ = admin("POST", service.port, "/cleanup/run?orphaned_only=true&wait=true")
                api_answers[status] = api_answers.get(status, 0) + 1
                time.sleep(0.2)

        threads = [threading.Thread(target=uploader, args=(w,)) for w in range(2)]
        if use_cli:
            threads.append(threading.Thread(target=cli_loop))
        threads.append(threading.Thread(target=api_loop))
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join()
        deadline = time.time() + 120
        while time.time() < deadline and scalar(
                "select count(*) from jobs where status in ('pending', 'running')"):
            time.sleep(1)
        admin("POST", service.port, "/cleanup/run?orphaned_only=true&wait=true")

        lost, checked = [], 0
        visible = {j["id"]: j for j in api_jobs(service.port)}
        for job_id, _, _ in uploads:
            job = visible.get(job_id)
            if job is None:
                lost.append(f"{job_id}: no longer listed by the API")
                continue
        for job_id, job in visible.items():
            checked += 1
            # absolute, or relative to DATA_DIR where answers carry no server paths (issue 11)
            if not os.path.exists(os.path.join(data, job["file_path"])):
                lost.append(f"{job_id}: upload {job['file_path']} missing")
            if job["status"] == "completed":
                out_dir = os.path.join(data, "outputs", job_id)
                if not os.path.isdir(out_dir) or not os.listdir(out_dir):
                    lost.append(f"{job_id}: outputs missing")
                status, body = http("GET", service.port, f"/jobs/{job_id}/outputs")
                if status != 200 or not json.loads(body):
                    lost.append(f"{job_id}: outputs listing {status}")
        runs = rows("""select "trigger", extract(epoch from started_at),
                              extract(epoch from coalesce(finished_at, now())), outcome,
                              orphaned_uploads + orphaned_outputs
                         from cleanup_runs where not dry_run""")
        intervals = [(float(r[1]), float(r[2])) for r in runs]
        during = sum(1 for _, began, ended in uploads
                     if any(s <= ended and began <= e for s, e in intervals))
        by_trigger = {}
        for r in runs:
            by_trigger[r[0]] = by_trigger.get(r[0], 0) + 1
        orphans_left = [p for p in seeded.orphans if os.path.lexists(p)]
        lost += seeded.violations(False)
        statuses = {}
        for job in visible.values():
            statuses[job["status"]] = statuses.get(job["status"], 0) + 1
        save("race", {
            "status": "ok" if not lost and not failures else "failed",
            "seconds": args.seconds, "kept_jobs": args.race_kept, "uploads": len(uploads),
            "uploads_refused": len(failures),
            "uploads_during_cleanup": during, "cleanup_runs": by_trigger,
            "runs_failed": sum(1 for r in runs if r[3] == "failed"),
            "orphans_removed": sum(int(r[4]) for r in runs),
            "seeded_orphans_left": len(orphans_left), "jobs_checked": checked,
            "job_statuses": statuses, "files_lost": len(lost), "cli_exits": cli_exits,
            "api_answers": api_answers, "details": {"lost": lost[:20], "refused": failures[:5]}})
    finally:
        stop.set()
        service.stop()
