"""Case 16b: uploads racing the orphan sweep on the S3 backend. Three nodes (each its own DATA_DIR
and WORK_DIR) and the CLI (its own DATA_DIR) on one bucket, `ORPHAN_GRACE_HOURS=0`: uploads spread
over the nodes while orphan sweeps run from the schedule (every node, every ~1 s), the CLI and the
API (each node in turn) in loops. No upload may lose an object: every job visible through the API
has its upload object and, when completed, its output objects, read through the S3 API."""
import json
import os
import random
import threading
import time

from lib.cli import cli_available, cli_run
from lib.context import SEED, WORK, log
from lib.dataset import csv_content
from lib.files import fresh_dir
from lib.pg import reset_schema, rows, scalar
from lib.results import save
from lib.s3 import S3Proxy
from lib.s3jobs import BUCKET, PREFIX, S3Dataset, job_object_problems, jobs_rows, node_env
from lib.service import Service, migrate
from lib.web import admin, api_jobs, http, upload


def options(parser):
    parser.add_argument("--s3-seconds", type=int, default=60, help="s3race: seconds of uploads")
    parser.add_argument("--s3-large-mib", type=int, default=12,
                        help="s3race: one more client uploading files of this many MiB"
                             " (multipart) in a loop; 0: none")
    parser.add_argument("--s3-race-kept", type=int, default=1000,
                        help="s3race: kept jobs with objects (every sweep lists them)")


def run(args):
    rng = random.Random(SEED + 18)
    root = fresh_dir(os.path.join(WORK, "s3race"))
    proxy = S3Proxy("s3race").start()
    nodes = []
    stop = threading.Event()
    try:
        bucket = proxy.bucket(BUCKET).create()
        planting = bucket.check_planting()
        reset_schema()
        migrate(fresh_dir(os.path.join(root, "migrate")))
        # seeded before the nodes start: objects planted before their rows, which a sweep with no
        # grace window rightly takes for orphans (the service itself inserts the row first)
        seeded = S3Dataset(bucket, rng)
        for _ in range(150):
            seeded.orphan_upload(0.01)
            seeded.orphan_output(0.01)
        for _ in range(args.s3_race_kept):
            seeded.job("completed", completed_days_ago=1, listed_outputs=rng.random() < 0.5)
        seeded.commit()
        settings = dict(PROCESSOR="profile", ORPHAN_GRACE_HOURS="0",
                        CLEANUP_INTERVAL_HOURS="0.0003", CLEANUP_ENABLED="true",
                        MAX_CONCURRENT_JOBS="2", SCHEDULER_HEARTBEAT_SECONDS="5")
        for i in range(3):
            env = node_env(proxy, f"node{i + 1}", root, **settings)
            env.update(dict(kv.split("=", 1) for kv in args.node_env))
            nodes.append(Service(f"s3race-node{i + 1}", env))
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_up()
        cli_env = node_env(proxy, "cli", root, **settings)
        use_cli = cli_available()
        uploads, failures, cli_exits, api_answers = [], [], {}, {}
        large_ids, large_refused = [], []
        lock = threading.Lock()

        # a large upload (above the store's 8 MiB part) is a multipart upload while it streams:
        # the sweep's abort of stale multipart uploads must not take it
        big = csv_content(random.Random(SEED + 300), 1) + b"".join(
            b"sub-%06d,1234.56,2.345\n" % i for i in range(args.s3_large_mib * 1024 * 1024 // 24))

        def uploader(worker, large=False):
            r = random.Random(SEED + 200 + worker)
            n = worker
            while not stop.is_set():
                node = nodes[n % 3]
                n += 1
                began = time.time()
                content = big if large else csv_content(r, r.randint(5, 400))
                try:
                    status, body = upload(node.port, f"{'large' if large else 'live'} {worker}.csv",
                                          content, timeout=120)
                except OSError as e:
                    status, body = -1, str(e)
                with lock:
                    if status == 201:
                        uploads.append((json.loads(body)["id"], began, time.time()))
                        if large:
                            large_ids.append(uploads[-1][0])
                    else:
                        failures.append((status, f"{'large' if large else 'small'}: {body[:200]}"))
                        if large:
                            large_refused.append(status)
                time.sleep(max(0.0, (1.0 if large else 0.25) - (time.time() - began)))

        def cli_loop():
            out = os.path.join(WORK, "s3race-cli.log")
            while not stop.is_set():
                rc = cli_run(["--orphaned-only", "--quiet"], cli_env, out)
                cli_exits[rc] = cli_exits.get(rc, 0) + 1

        def api_loop():
            n = 0
            while not stop.is_set():
                status, _ = admin("POST", nodes[n % 3].port,
                                  "/cleanup/run?orphaned_only=true&wait=true")
                n += 1
                api_answers[status] = api_answers.get(status, 0) + 1
                time.sleep(0.2)

        threads = [threading.Thread(target=uploader, args=(w,)) for w in range(2)]
        if args.s3_large_mib:
            threads.append(threading.Thread(target=uploader, args=(2, True)))
        if use_cli:
            threads.append(threading.Thread(target=cli_loop))
        threads.append(threading.Thread(target=api_loop))
        for t in threads:
            t.start()
        time.sleep(args.s3_seconds)
        stop.set()
        for t in threads:
            t.join()
        deadline = time.time() + 180
        while time.time() < deadline and scalar(
                "select count(*) from jobs where status in ('pending', 'running')"):
            time.sleep(1)
        # one more sweep after the last upload finished processing
        # (the schedules keep running every second: 409 'already running' is retried)
        for attempt in range(60):
            final_sweep = admin("POST", nodes[attempt % 3].port,
                                "/cleanup/run?orphaned_only=true&wait=true")[0]
            if final_sweep != 409:
                break
            time.sleep(0.5)

        lost = []
        visible = {j["id"]: j for j in api_jobs(nodes[0].port)}
        for job_id, _, _ in uploads:
            if job_id not in visible:
                lost.append(f"{job_id}: no longer listed by the API")
        listing = bucket.list(PREFIX)
        ids = ",".join(f"'{j}'" for j in visible) or "null"
        lost += job_object_problems(jobs_rows(f"id in ({ids})"), listing)
        # the API's own outputs listing (streamed from the bucket) for the completed live uploads
        listing_checked = 0
        for n, (job_id, _, _) in enumerate(uploads):
            if visible.get(job_id, {}).get("status") != "completed":
                continue
            listing_checked += 1
            status, body = http("GET", nodes[n % 3].port, f"/jobs/{job_id}/outputs")
            if status != 200 or not json.loads(body):
                lost.append(f"{job_id}: GET /jobs/{{id}}/outputs {status} {body[:100]}")
        lost += seeded.violations(False)
        runs = rows("""select "trigger", extract(epoch from started_at),
                              extract(epoch from coalesce(finished_at, now())), outcome,
                              orphaned_uploads + orphaned_outputs
                         from cleanup_runs where not dry_run""")
        intervals = [(float(r[1]), float(r[2])) for r in runs]
        during = sum(1 for _, began, ended in uploads
                     if any(s <= ended and began <= e for s, e in intervals))
        by_trigger, outcomes = {}, {}
        for r in runs:
            by_trigger[r[0]] = by_trigger.get(r[0], 0) + 1
            outcomes[r[3]] = outcomes.get(r[3], 0) + 1
        orphans_left = [k for k in seeded.orphans if k in listing]
        statuses = {}
        for job in visible.values():
            statuses[job["status"]] = statuses.get(job["status"], 0) + 1
        multipart_left = bucket.multipart_uploads(PREFIX)
        ok = not lost and not failures and not orphans_left and not planting \
            and final_sweep == 200
        save("s3race", {
            "status": "ok" if ok else "failed", "nodes": 3, "seconds": args.s3_seconds,
            "kept_jobs": args.s3_race_kept, "uploads": len(uploads),
            "uploads_refused": len(failures), "uploads_during_cleanup": during,
            "large_upload_mib": args.s3_large_mib, "large_uploads": len(large_ids),
            "large_uploads_refused": len(large_refused),
            "cleanup_runs": by_trigger, "run_outcomes": outcomes,
            "orphans_removed": sum(int(r[4]) for r in runs),
            "seeded_orphan_objects": len(seeded.orphans),
            "seeded_orphans_left": len(orphans_left), "jobs_checked": len(visible),
            "output_listings_checked": listing_checked, "job_statuses": statuses,
            "objects_lost": len(lost), "incomplete_multipart_uploads_left": len(multipart_left),
            "cli_exits": cli_exits, "api_answers": api_answers, "final_sweep": final_sweep,
            "planting_check": planting,
            "details": {"lost": lost[:20], "refused": failures[:5],
                        "orphans_left": orphans_left[:5]}})
        log(f"s3race: {len(uploads)} uploads, {len(lost)} lost")
    finally:
        stop.set()
        for node in nodes:
            node.stop()
        proxy.stop()
