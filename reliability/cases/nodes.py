"""Case 4: three service processes on one database and one data directory; one is SIGKILLed in the
middle of a job. Every job completes once, the schedule runs on one node per interval."""
import json
import os
import random
import time

from lib.context import ROOT, SEED, WORK, log
from lib.dataset import csv_content
from lib.files import fresh_dir
from lib.pg import reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env
from lib.web import upload


def run(args):
    rng = random.Random(SEED + 4)
    data = os.path.join(WORK, "nodes-data")
    fresh_dir(data)
    reset_schema()
    markers = os.path.join(WORK, "nodes-markers.log")
    open(markers, "w").close()
    env = base_env(data, PROCESSOR="command",
                   PROCESSOR_COMMAND=f"{ROOT}/reliability/slow-processor {{input}} {{output_dir}}",
                   RELIABILITY_MARKERS=markers, SLOW_PROCESSOR_SECONDS="5",
                   # a processor sees only the variables listed here (issue 11)
                   PROCESSOR_ENV="RELIABILITY_MARKERS,SLOW_PROCESSOR_SECONDS,SERVER_PORT",
                   CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="0.005",
                   SCHEDULER_HEARTBEAT_SECONDS="2", MAX_CONCURRENT_JOBS="2",
                   ORPHAN_GRACE_HOURS="0")
    env.update(dict(kv.split("=", 1) for kv in args.node_env))
    nodes = [Service(f"node{i + 1}", env) for i in range(3)]
    try:
        nodes[0].start().wait_up()  # one migrates first
        for node in nodes[1:]:
            node.start()
        for node in nodes[1:]:
            node.wait_up()
        ids, victim_port, killed_jobs = [], nodes[1].port, set()
        begun = time.time()
        for i in range(args.jobs):
            node = nodes[i % 3] if nodes[i % 3].proc.poll() is None else nodes[0]
            status, body = upload(node.port, f"n{i}.csv", csv_content(rng, 20))
            if status == 201:
                ids.append(json.loads(body)["id"])
            if i == args.jobs // 3 and not killed_jobs:
                # kill node 2 while it is in the middle of a job
                deadline = time.time() + 30
                while time.time() < deadline:
                    running = running_on(markers, victim_port)
                    if running:
                        break
                    time.sleep(0.2)
                killed_jobs = set(running_on(markers, victim_port))
                nodes[1].kill()
                log(f"nodes: killed node2 (port {victim_port}) running {sorted(killed_jobs)}")
            time.sleep(0.4)
        deadline = time.time() + 240
        while time.time() < deadline and scalar(
                "select count(*) from jobs where status in ('pending', 'running')"):
            time.sleep(1)
        # let the schedule run a few more intervals
        while time.time() - begun < args.seconds:
            time.sleep(1)
        jobs = {r[0]: (r[1], int(r[2])) for r in rows("select id, status, attempts from jobs")}
        stuck = [j for j, (s, _) in jobs.items() if s in ("pending", "running")]
        not_completed = [j for j, (s, _) in jobs.items() if s != "completed"]
        done = {}
        for line in open(markers):
            kind, job, port = line.split()
            if kind == "done":
                done.setdefault(job, []).append(port)
        twice = [j for j in ids if j not in killed_jobs and len(done.get(j, [])) != 1]
        attempts_other = [j for j in ids if j not in killed_jobs and jobs.get(j, ("", 0))[1] != 1]
        retried_ok = [j for j in killed_jobs if jobs.get(j, ("", 0))[0] == "completed"]
        by_port = {}
        for j in ids:
            for port in done.get(j, [])[:1]:
                by_port[port] = by_port.get(port, 0) + 1
        sched = rows("""select node, extract(epoch from started_at),
                               extract(epoch from finished_at), outcome
                          from cleanup_runs where "trigger" = 'schedule' order by started_at""")
        overlaps = sum(1 for a, b in zip(sched, sched[1:]) if float(b[1]) < float(a[2] or 1e18))
        too_close = sum(1 for a, b in zip(sched, sched[1:]) if float(b[1]) - float(a[1]) < 9)
        pid_to_node = {str(n.proc.pid): n.name for n in nodes}
        sched_nodes = {}
        for r in sched:
            name = pid_to_node.get(r[0].rsplit(":", 1)[-1], r[0])
            sched_nodes[name] = sched_nodes.get(name, 0) + 1
        # an execution found dead although its node is alive: it waited locked without heartbeats
        live_found_dead = []
        for node in nodes:
            for line in node.log_text().splitlines():
                if "Found dead execution" in line and "task=process_job" in line:
                    job = line.split("id=", 1)[1].split(",", 1)[0]
                    if job not in killed_jobs:
                        live_found_dead.append(job)
        ok = (not stuck and not not_completed and not twice and not attempts_other
              and not live_found_dead
              and len(retried_ok) == len(killed_jobs) and not overlaps and not too_close
              and len(sched) >= 2)
        save("nodes", {
            "status": "ok" if ok else "failed", "nodes": 3, "jobs": len(ids),
            "node_env": args.node_env,
            "completed": len(ids) - len(not_completed), "stuck": len(stuck),
            "processed_more_than_once": len(twice), "attempts_not_1": len(attempts_other),
            "killed_mid_job": len(killed_jobs), "live_executions_found_dead": len(live_found_dead), "killed_jobs_retried_and_completed": len(retried_ok),
            "jobs_finished_per_port": by_port, "scheduled_runs": len(sched),
            "scheduled_runs_per_node": sched_nodes, "overlapping_scheduled_runs": overlaps,
            "scheduled_runs_closer_than_half_an_interval": too_close,
            "details": {"twice": twice[:10], "attempts": attempts_other[:10],
                        "not_completed": not_completed[:10]}})
    finally:
        for node in nodes:
            node.stop()


def running_on(markers, port):
    started, finished = {}, set()
    for line in open(markers):
        kind, job, p = line.split()
        if kind == "start" and p == str(port):
            started[job] = True
        elif kind == "done" and p == str(port):
            finished.add(job)
    return [j for j in started if j not in finished]
