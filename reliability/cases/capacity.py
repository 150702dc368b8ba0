"""Case 12: capacity watermarks on a real, small filesystem. A 16 MiB tmpfs is the data directory;
finished jobs well inside their retention fill it above STORAGE_HIGH_WATERMARK_PERCENT; the
service's own capacity check (every 2 s) must bring it below STORAGE_LOW_WATERMARK_PERCENT, oldest
completion first, and leave held, too recent (inside RETENTION_MIN_HOURS) and unfinished jobs and
their files alone. Needs root (mount); otherwise recorded as not run."""
import os
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

from lib.context import WORK, log, wait_for
from lib.dataset import iso
from lib.pg import copy_in, psql, reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env, migrate

SIZE_MIB = 16
JOB_BYTES = 256 * 1024
HIGH, LOW = 85, 80
FILL = 0.92


def usage(path):
    st = os.statvfs(path)
    total = st.f_blocks * st.f_frsize
    return total - st.f_bavail * st.f_frsize, total


def unmount(path):
    subprocess.run(["umount", path], capture_output=True)


def run(args):
    mount = os.path.join(WORK, "capacity-fs")
    os.makedirs(mount, exist_ok=True)
    unmount(mount)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MIB}m,mode=0700", "tmpfs", mount],
        capture_output=True, text=True)
    if mounted.returncode != 0:
        save("capacity", {"status": "skipped",
                          "why": f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}"})
        return
    try:
        _run(mount)
    finally:
        unmount(mount)


class Jobs:
    def __init__(self, data):
        self.uploads = os.path.join(data, "uploads")
        self.outputs = os.path.join(data, "outputs")
        self.rows = []
        self.files = {}

    def add(self, status, completed_ago=None, size=JOB_BYTES):
        job_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc)
        upload = os.path.join(self.uploads, f"{job_id}_scan.csv")
        with open(upload, "wb") as f:
            f.write(os.urandom(size))
        out = os.path.join(self.outputs, job_id)
        os.makedirs(out)
        with open(os.path.join(out, "results.json"), "w") as f:
            f.write('{"ok": true}')
        completed = "" if completed_ago is None else iso(now - completed_ago)
        self.rows.append([job_id, "scan.csv", upload, status, 100,
                          iso(now - timedelta(days=40)), completed, size, 12, 1])
        self.files[job_id] = (upload, out)
        return job_id

    def commit(self):
        copy_in("jobs", ["id", "filename", "file_path", "status", "progress", "created_at",
                         "completed_at", "upload_bytes", "output_bytes", "attempts"],
                [[None if v == "" else v for v in r] for r in self.rows])
        self.rows = []

    def intact(self, job_id):
        upload, out = self.files[job_id]
        return (scalar(f"select count(*) from jobs where id = '{job_id}'") == 1
                and os.path.exists(upload) and os.path.exists(os.path.join(out, "results.json")))

    def gone(self, job_id):
        upload, out = self.files[job_id]
        return (scalar(f"select count(*) from jobs where id = '{job_id}'") == 0
                and not os.path.exists(upload) and not os.path.exists(out))


def _run(data):
    reset_schema()
    migrate(data)
    env = base_env(data, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                   CAPACITY_CHECK_SECONDS="2", STORAGE_HIGH_WATERMARK_PERCENT=str(HIGH),
                   STORAGE_LOW_WATERMARK_PERCENT=str(LOW), RETENTION_MIN_HOURS="24",
                   SCHEDULER_HEARTBEAT_SECONDS="1")
    jobs = Jobs(data)
    # what must stay: held (the oldest of all), too recent, unfinished
    held = [jobs.add("completed", timedelta(days=20, hours=i)) for i in range(2)]
    recent = [jobs.add("failed", timedelta(hours=2 + i)) for i in range(2)]
    unfinished = [jobs.add("pending"), jobs.add("running")]
    # the rest: finished 2 to 10 days ago, all inside the 30- and 7-day retention
    eligible, i = [], 0
    while usage(data)[0] < FILL * usage(data)[1]:
        status = ["completed", "failed", "cancelled"][i % 3]
        eligible.append((jobs.add(status, timedelta(days=2, hours=3 * i)), 2 * 24 + 3 * i))
        i += 1
    jobs.commit()
    psql("update jobs set held_at = now(), held_by = 'admin', hold_reason = 'reliability'"
         f" where id in ({', '.join(repr(j) for j in held)})")
    used, total = usage(data)
    before = used / total
    log(f"capacity: {len(jobs.files)} jobs; tmpfs {used} of {total} bytes ({before:.1%})")
    service = Service("capacity", env).start()
    try:
        began = time.time()
        service.wait_up()
        done = wait_for(lambda: scalar(
            "select count(*) from cleanup_runs where \"trigger\" = 'capacity'"
            " and outcome <> 'running'"), 120, 0.5)
        seconds = round(time.time() - began, 1)
        used_after, _ = usage(data)
        after = used_after / total
        runs = rows("select outcome, completed_jobs + failed_jobs + cancelled_jobs, bytes_freed,"
                    " parameters from cleanup_runs where \"trigger\" = 'capacity'"
                    " order by started_at")
        # oldest first: the deleted ones are a prefix of the eligible ones by completion age
        by_age = [job for job, _ in sorted(eligible, key=lambda e: -e[1])]
        deleted = [job for job in by_age if jobs.gone(job)]
        prefix = by_age[:len(deleted)] == deleted
        kept_ok = all(jobs.intact(j) for j in held + recent + unfinished)
        half_gone = [j for j in by_age if not jobs.gone(j) and not jobs.intact(j)]
        health = service.health()
    finally:
        service.stop()
    problems = []
    if not done:
        problems.append("no capacity run finished within 120 s")
    if after >= LOW / 100:
        problems.append(f"usage after {after:.1%} is not below the low watermark {LOW} %")
    if not prefix:
        problems.append("the deleted jobs are not the oldest eligible ones")
    if not kept_ok:
        problems.append("a held, too recent or unfinished job lost its row or files")
    if half_gone:
        problems.append(f"{len(half_gone)} jobs half deleted")
    overshoot = None
    if deleted:
        # would one job fewer have been enough? then the run went too far
        target = int(total * LOW / 100)
        overshoot = used - JOB_BYTES * (len(deleted) - 1) < target
        if overshoot:
            problems.append("deleted more jobs than needed to get below the low watermark")
    save("capacity", {
        "status": "held" if not problems else "failed",
        "fs_bytes": total, "high": HIGH, "low": LOW,
        "jobs": len(jobs.files), "eligible": len(eligible),
        "usage_before": round(before * 100, 1), "usage_after": round(after * 100, 1),
        "deleted": len(deleted), "oldest_first": prefix, "kept_intact": kept_ok,
        "seconds_to_below_low": seconds, "runs": len(runs),
        "run_outcomes": [r[0] for r in runs], "bytes_freed": sum(int(r[2]) for r in runs),
        "health": health[1], "problems": problems,
    })
