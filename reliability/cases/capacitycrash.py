"""Case 13: a capacity run SIGKILLed at seeded random moments (the CLI's `cleanup --capacity`),
then run to completion. The quota decides (STORAGE_QUOTA_BYTES, usage 99 %, watermarks 95 / 90 %),
retention keeps everything, so only capacity deletes (each run must have measured the quota:
checked in the ledger). At the kill nothing visible may point at a
missing file; after completion exactly the oldest eligible jobs that bring usage below the low
watermark are gone — not one more (a resumed deletion counts towards the target) — and held, too
recent and unfinished jobs are intact."""
import os
import random
import time

from lib.cli import cli_available, cli_start, cli_until_done
from lib.context import SEED, WORK, log
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import empty_tables, psql, reset_schema, rows, scalar
from lib.results import save
from lib.service import base_env, migrate

# high enough that the quota, not the shared disk the suite runs on, is the fullest source
HIGH, LOW, USAGE = 95, 90, 0.99


def options(parser):
    parser.add_argument("--capacity-kills", type=int, default=8)
    parser.add_argument("--capacity-jobs", type=int, default=12000)


def run(args):
    if not cli_available():
        save("capacitycrash", {"status": "skipped", "why": "bin/cleanup-storage is missing"})
        return
    rng = random.Random(SEED + 13)
    data = os.path.join(WORK, "capcrash-data")
    fresh_dir(data)
    reset_schema()
    migrate(data)
    out = os.path.join(WORK, "capcrash-cli.log")

    def fresh():
        empty_tables()
        fresh_dir(data)
        d = Dataset(data, rng)
        eligible = []
        for i in range(args.capacity_jobs):
            status = ["completed", "failed", "cancelled"][i % 3]
            eligible.append(d.job(status, completed_days_ago=rng.randint(2, 400), must_go=True))
        d.expired = []  # which of them go is the target's business, checked below
        held = d.job("completed", completed_days_ago=500)
        for _ in range(20):
            d.job("failed", completed_days_ago=0)  # inside RETENTION_MIN_HOURS
            d.job("pending")
            d.job("running")
        d.commit()
        psql(f"update jobs set held_at = now(), held_by = 'admin', hold_reason = 'x'"
             f" where id = '{held}'")
        total = scalar("select sum(upload_bytes + output_bytes) from jobs")
        quota = int(total / USAGE)
        # capacity's order: oldest completion first, failed and cancelled before completed
        order = rows("select id, upload_bytes + output_bytes from jobs where held_at is null and"
                     " status in ('completed', 'failed', 'cancelled') and completed_at < now() -"
                     " interval '24 hours' order by completed_at, (status = 'completed'), id")
        used, must_go = total, []
        for job_id, size in order:
            if used * 100 < LOW * quota:
                break
            used -= int(size)
            must_go.append(job_id)
        env = base_env(data, CLEANUP_ENABLED="false", STORAGE_QUOTA_BYTES=quota,
                       STORAGE_HIGH_WATERMARK_PERCENT=HIGH, STORAGE_LOW_WATERMARK_PERCENT=LOW,
                       RETENTION_COMPLETED_DAYS=36500, RETENTION_FAILED_DAYS=36500,
                       RETENTION_CANCELLED_DAYS=36500, RETENTION_MIN_HOURS=24)
        return d, env, quota, set(must_go), len(eligible)

    def outcome(d, quota, must_go):
        problems = d.violations(True)
        present = {r[0] for r in rows("select id from jobs")}
        gone = {job for job in d.kept} - present
        if gone:
            problems.append(f"{len(gone)} held, recent or unfinished jobs gone")
        deleted = {j for j in d.job_rows_ids if j not in present}
        if deleted - must_go:
            problems.append(f"{len(deleted - must_go)} jobs deleted beyond the target")
        if must_go - deleted:
            problems.append(f"{len(must_go - deleted)} jobs of the target not deleted")
        sources = {r[0] for r in rows("select parameters::json->>'usage_source' from cleanup_runs")}
        if sources != {"quota"}:
            problems.append(f"a run measured {sources}, not only the quota: the disk is too full")
        used = scalar("select coalesce(sum(upload_bytes + output_bytes), 0) from jobs")
        if used * 100 >= LOW * quota:
            problems.append(f"usage {100 * used / quota:.1f} % not below {LOW} %")
        return problems, round(100 * used / quota, 1)

    durations = []
    for _ in range(2):
        _, env, _, _, _ = fresh()
        started = time.time()
        rc, _ = cli_until_done(["--capacity", "--quiet"], env, out)
        durations.append(time.time() - started)
    duration = min(durations)
    log(f"capacitycrash: calibration runs in {', '.join(f'{x:.1f}s' for x in durations)}")
    kills, held_up, details = 0, 0, []
    while kills < args.capacity_kills:
        d, env, quota, must_go, _ = fresh()
        ids = [r[0] for r in rows("select id from jobs")]
        delay = rng.uniform(0.5, 0.99) * duration
        proc = cli_start(["--capacity", "--quiet"], env, out)
        time.sleep(delay)
        if proc.poll() is not None:
            details.append({"delay_s": round(delay, 2), "killed": False})
            continue
        os.killpg(proc.pid, 9)
        proc.wait()
        kills += 1
        present = {r[0] for r in rows("select id from jobs")}
        gone_at_kill = len(must_go - present)
        claimed = scalar("select count(*) from jobs where status = 'deleting'")
        at_kill = d.violations(False)
        rc, refused = cli_until_done(["--capacity", "--quiet"], env, out)
        d.job_rows_ids = ids
        after, usage_after = outcome(d, quota, must_go)
        ok = not at_kill and not after and rc == 0
        held_up += 1 if ok else 0
        details.append({"delay_s": round(delay, 2), "killed": True, "target_jobs": len(must_go),
                        "gone_at_kill": gone_at_kill, "deleting_at_kill": claimed,
                        "refused_after_kill": refused, "completion": rc,
                        "usage_after": usage_after, "violations_at_kill": at_kill[:5],
                        "violations_after": after[:5]})
        log(f"capacitycrash: kill {kills} at {delay:.1f}s ({gone_at_kill} of {len(must_go)} gone,"
            f" {claimed} claimed): {'held' if ok else 'VIOLATED'} {(at_kill + after)[:3]}")
    landed = [x for x in details if x["killed"]]
    save("capacitycrash", {
        "status": "ok" if held_up == kills else "failed",
        "kills": kills, "kills_held": held_up, "jobs": args.capacity_jobs,
        "usage_before": USAGE * 100, "high": HIGH, "low": LOW,
        "calibration_run_s": round(duration, 1),
        "kills_before_any_deletion": sum(1 for x in landed if x["gone_at_kill"] == 0
                                         and x["deleting_at_kill"] == 0),
        "kills_mid_deletion": sum(1 for x in landed if x["gone_at_kill"] or x["deleting_at_kill"]),
        "details": details})
