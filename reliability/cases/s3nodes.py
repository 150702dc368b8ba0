"""Case 16a: three service processes on one PostgreSQL and one S3 bucket (S3Proxy) with no shared
filesystem (each node its own DATA_DIR and WORK_DIR); one is SIGKILLed in the middle of a job.
Every job completes once, with its upload and exactly its output objects in the bucket; the
schedule runs on one node per interval; the killed node's scratch is swept once it is back."""
import json
import os
import random
import time

from lib.context import ROOT, SEED, WORK, log
from lib.dataset import csv_content
from lib.files import fresh_dir
from lib.pg import reset_schema, rows, scalar
from lib.results import save
from lib.s3 import S3Proxy
from lib.s3jobs import BUCKET, PREFIX, job_object_problems, jobs_rows, node_env, stray_objects
from lib.service import Service
from lib.web import admin, api_jobs, http, upload


def options(parser):
    parser.add_argument("--s3-jobs", type=int, default=40, help="s3nodes: uploads")
    parser.add_argument("--s3-processor-seconds", type=float, default=4,
                        help="s3nodes: how long the processor takes per job")
    parser.add_argument("--s3-node-seconds", type=int, default=90,
                        help="s3nodes: at least this long from the first upload (schedule runs)")


def run(args):
    rng = random.Random(SEED + 17)
    root = fresh_dir(os.path.join(WORK, "s3nodes"))
    proxy = S3Proxy("s3nodes").start()
    nodes = []
    try:
        bucket = proxy.bucket(BUCKET).create()
        planting = bucket.check_planting()
        reset_schema()
        markers = {}
        for i in range(3):
            name = f"node{i + 1}"
            markers[name] = os.path.join(root, name, "markers.log")
            env = node_env(
                proxy, name, root, PROCESSOR="command",
                PROCESSOR_COMMAND=f"{ROOT}/reliability/s3-processor {{input}} {{output_dir}}",
                RELIABILITY_MARKERS=markers[name],
                SLOW_PROCESSOR_SECONDS=str(args.s3_processor_seconds),
                PROCESSOR_ENV="RELIABILITY_MARKERS,SLOW_PROCESSOR_SECONDS,SERVER_PORT",
                CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="0.005",
                SCHEDULER_HEARTBEAT_SECONDS="2", MAX_CONCURRENT_JOBS="2", ORPHAN_GRACE_HOURS="0")
            open(markers[name], "w").close()
            env.update(dict(kv.split("=", 1) for kv in args.node_env))
            nodes.append(Service(f"s3nodes-{name}", env))
        nodes[0].start().wait_up()  # one migrates first
        for node in nodes[1:]:
            node.start()
        for node in nodes[1:]:
            node.wait_up()
        victim = nodes[1]
        pids = {str(n.proc.pid): f"node{i + 1}" for i, n in enumerate(nodes)}
        ids, killed_jobs, refused = [], set(), []
        begun = time.time()
        for i in range(args.s3_jobs):
            node = nodes[i % 3] if nodes[i % 3].proc.poll() is None else nodes[0]
            status, body = upload(node.port, f"n{i}.csv", csv_content(rng, 20))
            if status == 201:
                ids.append(json.loads(body)["id"])
            else:
                refused.append((status, body[:200]))
            if i == args.s3_jobs // 3 and not killed_jobs:
                # kill node 2 while it is in the middle of a job
                deadline = time.time() + 60
                running = []
                while time.time() < deadline:
                    running = running_on(markers["node2"])
                    if running:
                        break
                    time.sleep(0.2)
                killed_jobs = set(running)
                victim.kill()
                log(f"s3nodes: killed node2 running {sorted(killed_jobs)}")
            time.sleep(0.4)
        deadline = time.time() + 300
        while time.time() < deadline and scalar(
                "select count(*) from jobs where status in ('pending', 'running')"):
            time.sleep(1)
        while time.time() - begun < args.s3_node_seconds:
            time.sleep(1)  # let the schedule run a few more intervals

        # the killed node's scratch: left in its own WORK_DIR (no other node can see it); swept
        # once it is back, by a sweep of its own
        work2 = victim.env["WORK_DIR"]
        scratch_after_kill = sorted(os.listdir(work2)) if os.path.isdir(work2) else []
        victim.start().wait_up()
        pids[str(victim.proc.pid)] = "node2"
        sweep = admin("POST", victim.port, "/cleanup/run?orphaned_only=true&wait=true")[0]
        scratch_after_sweep = sorted(os.listdir(work2)) if os.path.isdir(work2) else []

        jobs = {r[0]: (r[1], int(r[2])) for r in rows("select id, status, attempts from jobs")}
        stuck = [j for j, (s, _) in jobs.items() if s in ("pending", "running")]
        not_completed = [j for j, (s, _) in jobs.items() if s != "completed"]
        done, started_by = {}, {}
        for name, path in markers.items():
            for line in open(path):
                kind, job, _ = line.split()
                (done if kind == "done" else started_by).setdefault(job, []).append(name)
        twice = [j for j in ids if j not in killed_jobs and len(done.get(j, [])) != 1]
        attempts_other = [j for j in ids if j not in killed_jobs and jobs.get(j, ("", 0))[1] != 1]
        retried_ok = [j for j in killed_jobs if jobs.get(j, ("", 0))[0] == "completed"
                      and len(done.get(j, [])) == 1 and "node2" not in done.get(j, [])]
        by_node = {}
        for j in ids:
            for name in done.get(j, [])[:1]:
                by_node[name] = by_node.get(name, 0) + 1

        # the bucket, through the S3 API: every job's upload and exactly its output objects
        listing = bucket.list(PREFIX)
        job_rows = jobs_rows()
        missing = job_object_problems(job_rows, listing)
        extra = []
        for job_id, status, _, _, output_objects, _, _ in job_rows:
            if output_objects:
                listed = {f"{PREFIX}outputs/{job_id}/{rel}" for rel, _ in json.loads(output_objects)}
                extra += [k for k in listing
                          if k.startswith(f"{PREFIX}outputs/{job_id}/") and k not in listed]
        stray = stray_objects(listing)
        api_visible = {j["id"] for j in api_jobs(nodes[0].port)}
        not_visible = [j for j in ids if j not in api_visible]
        # the outputs listing streams from the bucket through any node
        listing_problems = []
        for n, job_id in enumerate(ids[:12]):
            status, body = http("GET", nodes[n % 3].port, f"/jobs/{job_id}/outputs")
            if status != 200 or not json.loads(body):
                listing_problems.append(f"{job_id}: GET /jobs/{{id}}/outputs {status} {body[:100]}")
        local_files = {}
        for i, node in enumerate(nodes):
            data = node.env["DATA_DIR"]
            count = 0
            for sub in ("uploads", "outputs"):
                for _, _, files in os.walk(os.path.join(data, sub)):
                    count += len(files)
            local_files[f"node{i + 1}"] = count

        sched = rows("""select node, extract(epoch from started_at),
                               extract(epoch from finished_at), outcome
                          from cleanup_runs where "trigger" = 'schedule' order by started_at""")
        overlaps = sum(1 for a, b in zip(sched, sched[1:]) if float(b[1]) < float(a[2] or 1e18))
        too_close = sum(1 for a, b in zip(sched, sched[1:]) if float(b[1]) - float(a[1]) < 9)
        sched_nodes, sched_outcomes = {}, {}
        for r in sched:
            name = pids.get(r[0].rsplit(":", 1)[-1], r[0])
            sched_nodes[name] = sched_nodes.get(name, 0) + 1
            sched_outcomes[r[3]] = sched_outcomes.get(r[3], 0) + 1
        live_found_dead = []
        for node in nodes:
            for line in node.log_text().splitlines():
                if "Found dead execution" in line and "task=process_job" in line:
                    job = line.split("id=", 1)[1].split(",", 1)[0]
                    if job not in killed_jobs:
                        live_found_dead.append(job)
        job_scratch_left = [e for e in scratch_after_sweep if e in jobs]
        ok = (not stuck and not not_completed and not twice and not attempts_other
              and not live_found_dead and not refused and killed_jobs
              and len(retried_ok) == len(killed_jobs) and not overlaps and not too_close
              and len(sched) >= 2 and not missing and not extra and not stray
              and not not_visible and not listing_problems and not any(local_files.values())
              and not job_scratch_left and not planting and sweep == 200)
        save("s3nodes", {
            "status": "ok" if ok else "failed", "nodes": 3, "jobs": len(ids),
            "uploads_refused": len(refused), "processor_seconds": args.s3_processor_seconds,
            "node_env": args.node_env, "completed": len(ids) - len(not_completed),
            "stuck": len(stuck), "processed_more_than_once": len(twice),
            "attempts_not_1": len(attempts_other), "killed_mid_job": len(killed_jobs),
            "killed_jobs_retried_and_completed": len(retried_ok),
            "live_executions_found_dead": len(live_found_dead),
            "jobs_finished_per_node": by_node, "scheduled_runs": len(sched),
            "scheduled_runs_per_node": sched_nodes, "scheduled_run_outcomes": sched_outcomes,
            "overlapping_scheduled_runs": overlaps,
            "scheduled_runs_closer_than_half_an_interval": too_close,
            "bucket_objects": len(listing), "jobs_missing_objects": len(missing),
            "extra_output_objects": len(extra), "stray_objects": len(stray),
            "not_visible_through_api": len(not_visible),
            "output_listings_checked": min(12, len(ids)),
            "output_listing_problems": len(listing_problems),
            "files_in_node_data_dirs": local_files,
            "killed_node_scratch_after_kill": len(scratch_after_kill),
            "killed_node_sweep_answer": sweep,
            "killed_node_job_scratch_after_restart_and_sweep": len(job_scratch_left),
            "planting_check": planting,
            "details": {"twice": twice[:10], "attempts": attempts_other[:10],
                        "not_completed": not_completed[:10], "missing": missing[:10],
                        "extra": extra[:10], "stray": stray[:10], "refused": refused[:5],
                        "listing": listing_problems[:5], "killed_jobs": sorted(killed_jobs),
                        "scratch_after_kill": scratch_after_kill[:10],
                        "scratch_after_sweep": scratch_after_sweep[:10]}})
    finally:
        for node in nodes:
            node.stop()
        proxy.stop()


def running_on(path):
    started, finished = [], set()
    for line in open(path):
        kind, job, _ = line.split()
        if kind == "start":
            started.append(job)
        else:
            finished.add(job)
    return [j for j in started if j not in finished]
