"""Case 12: plan → apply while the store changes, and SIGKILLed mid-apply. A plan is saved (the CLI,
--dry-run --save-plan); while its apply runs, more jobs expire, new orphans appear and holds are
placed on planned jobs; every other round the apply is SIGKILLed at a random moment and the plan
applied again. Afterwards nothing outside the plan may be gone, a job held before its claim must be
intact, and every other planned item must be gone, with no row left deleting and the lock free."""
import json
import os
import random
import signal
import time

from lib.cli import cli_available, cli_run, cli_start, cli_until_done
from lib.context import SEED, WORK, log, wait_for
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import empty_tables, reset_schema, rows
from lib.results import save
from lib.service import base_env, migrate

JOB_CATEGORIES = {"completed_job", "failed_job", "cancelled_job"}


def options(parser):
    parser.add_argument("--apply-rounds", type=int, default=8,
                        help="apply: rounds (plan, change, apply; every other one SIGKILLed)")
    parser.add_argument("--apply-expired", type=int, default=2000,
                        help="apply: expired jobs in each round's plan")


def run(args):
    if not cli_available():
        save("apply", {"status": "error", "why": "bin/cleanup-storage is not usable"})
        return
    rng = random.Random(SEED + 12)
    data = os.path.join(WORK, "apply-data")
    fresh_dir(data)
    reset_schema()
    migrate(data)
    env = base_env(data, CLEANUP_ENABLED="false")
    rounds, duration = [], None
    for number in range(args.apply_rounds):
        kill = number % 2 == 1 and duration is not None
        result = _round(args, rng, data, env, kill, duration)
        if not kill and duration is None:
            duration = result["apply_s"]
        rounds.append(result)
        log(f"apply: round {number + 1}: {'killed at %.1fs, ' % result['kill_s'] if kill else ''}"
            f"{result['planned']} planned, {result['held']} held, {result['added_after']} added;"
            f" {'held' if not result['violations'] else 'VIOLATED'} {result['violations'][:3]}")
        save("apply", _summary(args, rounds, "running"))
    failed = [r for r in rounds if r["violations"] or r["exit"] != 0]
    save("apply", _summary(args, rounds, "failed" if failed else "ok"))


def _summary(args, rounds, status):
    return {
        "status": status, "seed": SEED, "rounds": len(rounds),
        "expired_per_plan": args.apply_expired,
        "killed": sum(1 for r in rounds if r["killed"]),
        "kills_after_the_apply_finished": sum(1 for r in rounds if r.get("finished_before_kill")),
        "held_jobs": sum(r["held"] for r in rounds),
        "holds_tried": sum(r.get("holds_tried", 0) for r in rounds),
        "added_after_planning": sum(r["added_after"] for r in rounds),
        "rounds_held": sum(1 for r in rounds if not r["violations"] and r["exit"] == 0),
        "details": rounds}


def _round(args, rng, data, env, kill, duration):
    empty_tables()
    fresh_dir(data)
    d = Dataset.standard(data, rng, expired=args.apply_expired, kept=300, orphans=300)
    plan_file = os.path.join(WORK, "apply-plan.json")
    out = os.path.join(WORK, "apply-cli.log")
    rc = cli_run(["--dry-run", "--save-plan", plan_file, "--quiet"], env, out)
    if rc != 0:
        return {"killed": kill, "exit": rc, "violations": [f"the plan was not made (exit {rc})"],
                "planned": 0, "held": 0, "added_after": 0, "apply_s": 0, "kill_s": 0}
    with open(plan_file) as f:
        plan = json.load(f)
    planned_jobs = {i["job_id"] for i in plan["items"] if i["category"] in JOB_CATEGORIES}

    started = time.time()
    proc = cli_start(["--apply-plan", plan_file, "--quiet"], env, out)
    # the store changes while the apply runs: more expired jobs and orphans, and holds on planned
    # jobs, ten at a time for as long as it runs (a hold that lands after the claim does not take:
    # the job is being deleted, as PUT /jobs/{id}/hold answers then)
    later = Dataset(data, rng)
    for i in range(200):
        later.job("completed" if i % 2 else "failed", completed_days_ago=rng.randint(31, 400))
    for _ in range(50):
        later.orphan_upload(72, must_go=False)
        later.orphan_output(72, must_go=False)
    later.commit()
    d.kept.update(later.kept)
    d.protected_files += later.protected_files
    kill_s = rng.uniform(0.1, 0.9) * duration if kill else float("inf")
    candidates = rng.sample(sorted(planned_jobs), min(200, len(planned_jobs)))
    held, tried = [], 0
    while (tried < len(candidates) and proc.poll() is None
           and time.time() - started < kill_s):
        batch = candidates[tried:tried + 10]
        tried += len(batch)
        held += rows("""update jobs set held_at = now(), held_by = 'admin',
                               hold_reason = 'reliability'
                         where id in (%s) and status in ('completed', 'failed', 'cancelled')
                         returning id, status""" % ",".join(f"'{j}'" for j in batch))
        time.sleep(0.1)
    for job_id, status in held:
        d.expired.remove(job_id)
        d.kept[job_id] = (status, 2)

    finished_before_kill = False
    if kill:
        time.sleep(max(0, kill_s - (time.time() - started)))
        finished_before_kill = proc.poll() is not None
        if not finished_before_kill:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rc, _ = cli_until_done(["--apply-plan", plan["plan_id"], "--quiet"], env, out)
        if rc == 2 and finished_before_kill:
            with open(out, errors="replace") as f:
                rc = 0 if "already applied" in f.read() else rc
    else:
        wait_for(lambda: proc.poll() is not None, 600, 0.05)
        rc = proc.returncode
    apply_s = time.time() - started
    problems = d.violations(True)
    applied = rows("""select planned_items, skipped_items from cleanup_runs
                       where plan_id = '%s' and outcome in ('succeeded', 'partial')"""
                   % plan["plan_id"])
    if len(applied) != 1:
        problems.append(f"{len(applied)} finished applies of the plan recorded")
    return {"killed": kill, "kill_s": round(kill_s, 2) if kill else 0, "finished_before_kill": finished_before_kill,
            "holds_tried": tried,
            "exit": rc, "apply_s": round(apply_s, 1), "planned": len(plan["items"]),
            "held": len(held), "added_after": len(later.kept) + len(later.protected_files),
            "ledger_planned_skipped": applied[0] if len(applied) == 1 else None,
            "violations": problems[:10]}
