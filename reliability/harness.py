#!/usr/bin/env python3
"""The heavy reliability suite of issue 7. Run it through reliability/run.sh (see README.md, "Reliability suite").

Every case drives real processes (the service jar, the cleanup CLI) against the local PostgreSQL,
tries to make Storekeeper lose data, delete what it must keep or leak storage, and writes its
figures to target/reliability/results/<case>.json. RELIABILITY.md at the repository root is
regenerated from those files (cases not run this time keep their last result).

Standard library only; psql for SQL.
"""
import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "storekeeper.jar")
CLI_SCRIPT = os.path.join(ROOT, "bin", "cleanup-storage")
WORK = os.path.join(ROOT, "target", "reliability")
RESULTS = os.path.join(WORK, "results")
DB = os.environ.get("RELIABILITY_PG_DB", "storekeeper_rel")
JDBC = f"jdbc:postgresql://127.0.0.1:5432/{DB}"
TOKEN = "reliability-admin-token-" + uuid.uuid4().hex
SEED = int(os.environ.get("RELIABILITY_SEED", "7"))

# ---------------------------------------------------------------------------------------------
# plumbing


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def psql(sql, db=DB, check=True, timeout=120):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
         "-At", "-F", "\t", "-q"],
        input=sql, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{sql[:300]}")
    return result.stdout.strip("\n")


def rows(sql):
    out = psql(sql)
    return [line.split("\t") for line in out.splitlines()] if out else []


def scalar(sql):
    return int(psql(sql) or 0)


def copy_in(table, columns, data):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(data)
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-v", "ON_ERROR_STOP=1", "-c",
         f"\\copy {table} ({', '.join(columns)}) from stdin with (format csv)"],
        input=buffer.getvalue(), text=True, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"copy into {table} failed: {result.stderr.strip()[:500]}")


def reset_schema():
    psql("drop schema if exists public cascade; create schema public;")


def empty_tables():
    psql("""
        delete from cleanup_items; delete from cleanup_runs; delete from metrics; delete from jobs;
        delete from scheduled_tasks where task_name <> 'run_cleanup';
        update cleanup_lock set run_id = null, node = null, acquired_at = null, heartbeat_at = null;
    """)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data_dir, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LC_ALL": "C.UTF-8",
        "SPRING_DATASOURCE_URL": JDBC,
        "SPRING_DATASOURCE_USERNAME": "postgres",
        "SPRING_DATASOURCE_PASSWORD": "",
        "DATA_DIR": data_dir,
        "ADMIN_TOKEN": TOKEN,
        "STORAGE_MIN_FREE_MB": "0",
        "CLEANUP_LOCK_LEASE_SECONDS": "5",
        "SERVER_ADDRESS": "127.0.0.1",
        "JAVA_OPTS": "-Xmx384m",
    }
    if "JAVA_HOME" in os.environ:
        env["JAVA_HOME"] = os.environ["JAVA_HOME"]
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def cli_available():
    if not os.path.exists(CLI_SCRIPT):
        return False
    out = subprocess.run(["java", "-jar", JAR, "cleanup", "--help"], capture_output=True,
                         text=True, cwd=WORK)
    return out.returncode == 0


def cli_command(args):
    return [CLI_SCRIPT] + list(args)


def cli_start(args, env, out_path):
    out = open(out_path, "wb")
    return subprocess.Popen(cli_command(args), env=env, cwd=WORK, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)


def cli_run(args, env, out_path, timeout=600):
    proc = cli_start(args, env, out_path)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def cli_until_done(args, env, out_path, attempts=40):
    """Runs the CLI; an exit 3 (a killed run's lock, until its lease passes) is retried."""
    refused = 0
    for _ in range(attempts):
        rc = cli_run(args, env, out_path)
        if rc != 3:
            return rc, refused
        refused += 1
        time.sleep(1)
    raise RuntimeError("cleanup stayed 'already running' for 40 attempts")


class Service:
    """One service process (its own process group: a kill takes its children with it)."""

    def __init__(self, name, env, port=None):
        self.name = name
        self.port = port or free_port()
        self.env = dict(env, SERVER_PORT=str(self.port))
        self.log_path = os.path.join(WORK, f"{name}.log")
        self.proc = None

    def start(self):
        out = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["java", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", JAR], env=self.env,
            cwd=WORK, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_up(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see "
                                   f"{self.log_path}")
            try:
                status, _ = http("GET", self.port, "/health", timeout=2)
                if status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not come up; see {self.log_path}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def http(method, port, path, body=None, headers=None, timeout=30):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def admin(method, port, path, timeout=120):
    return http(method, port, path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=timeout)


def upload(port, name, content, timeout=30):
    boundary = "----reliability" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return http("POST", port, "/upload", body,
                {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=timeout)


def api_jobs(port):
    """Every job visible through the API, page by page."""
    jobs, skip = [], 0
    while True:
        status, body = http("GET", port, f"/jobs?limit=1000&skip={skip}")
        if status != 200:
            raise RuntimeError(f"GET /jobs answered {status}: {body[:200]}")
        page = json.loads(body)
        jobs.extend(page)
        if len(page) < 1000:
            return jobs
        skip += 1000


def csv_content(rng, rows_count):
    lines = ["subject,volume,thickness"]
    for i in range(rows_count):
        lines.append(f"sub-{i:04d},{rng.uniform(900, 1500):.2f},{rng.uniform(1, 4):.3f}")
    return ("\n".join(lines) + "\n").encode()


def fresh_dir(path):
    if os.path.exists(path):
        subprocess.run(["chattr", "-R", "-i", path], capture_output=True)
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def iso(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.%f+00")


def save(case, result):
    os.makedirs(RESULTS, exist_ok=True)
    result["case"] = case
    result["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(RESULTS, f"{case}.json"), "w") as f:
        json.dump(result, f, indent=2)
    log(case, "->", json.dumps({k: v for k, v in result.items() if k != "details"}))


# ---------------------------------------------------------------------------------------------
# datasets written straight to the database and the data directory, as the service leaves them


class Dataset:
    """Jobs and files in the shape the service creates them, with what must go and what must stay."""

    def __init__(self, data_dir, rng):
        self.data = data_dir
        self.uploads = os.path.join(data_dir, "uploads")
        self.outputs = os.path.join(data_dir, "outputs")
        os.makedirs(self.uploads, exist_ok=True)
        os.makedirs(self.outputs, exist_ok=True)
        self.rng = rng
        self.expired = []   # job ids that must be gone
        self.kept = {}      # job id -> (status, metric rows)
        self.orphans = []   # paths that must be gone
        self.protected_files = []  # paths that must survive (young orphans, foreign names)
        self.job_rows = []
        self.metric_rows = []

    def job(self, status, completed_days_ago=None, created_days_ago=60, must_go=False,
            metrics=2, files=True):
        job_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc)
        upload = os.path.join(self.uploads, f"{job_id}_scan.csv")
        if files:
            with open(upload, "wb") as f:
                f.write(b"a,b\n1,2\n" * self.rng.randint(1, 20))
            out = os.path.join(self.outputs, job_id)
            os.makedirs(os.path.join(out, "visualizations"))
            with open(os.path.join(out, "results.json"), "w") as f:
                f.write('{"ok": true}')
            with open(os.path.join(out, "visualizations", "slice.png"), "wb") as f:
                f.write(b"\x89PNG" * 50)
        completed = "" if completed_days_ago is None else iso(
            now - timedelta(days=completed_days_ago, seconds=self.rng.randint(0, 86000)))
        self.job_rows.append([job_id, "scan.csv", upload, status, 100,
                              iso(now - timedelta(days=created_days_ago)), completed, 100, 300,
                              1 if status != "pending" else 0])
        for m in range(metrics):
            self.metric_rows.append([job_id, f"m{m}", 1.5, "u", iso(now)])
        if must_go:
            self.expired.append(job_id)
        else:
            self.kept[job_id] = (status, metrics)
        return job_id

    def orphan_upload(self, age_hours, must_go=True, temp=False):
        job_id = str(uuid.uuid4())
        name = f".incoming-{job_id}.part" if temp else f"{job_id}_lost file.csv"
        path = os.path.join(self.uploads, name)
        with open(path, "wb") as f:
            f.write(b"orphan" * self.rng.randint(1, 50))
        self._age(path, age_hours)
        (self.orphans if must_go else self.protected_files).append(path)

    def orphan_output(self, age_hours, must_go=True):
        job_id = str(uuid.uuid4())
        path = os.path.join(self.outputs, job_id)
        os.makedirs(os.path.join(path, "sub"))
        with open(os.path.join(path, "sub", "results.json"), "w") as f:
            f.write("{}")
        self._age(path, age_hours)
        (self.orphans if must_go else self.protected_files).append(path)

    def foreign(self, name, age_hours=100):
        path = os.path.join(self.uploads, name)
        with open(path, "w") as f:
            f.write("operator's file")
        self._age(path, age_hours)
        self.protected_files.append(path)

    @staticmethod
    def _age(path, hours):
        t = time.time() - hours * 3600
        os.utime(path, (t, t), follow_symlinks=False)

    def commit(self):
        copy_in("jobs", ["id", "filename", "file_path", "status", "progress", "created_at",
                         "completed_at", "upload_bytes", "output_bytes", "attempts"],
                [[None if v == "" else v for v in r] for r in self.job_rows])
        copy_in("metrics", ["job_id", "name", '"value"', "unit", "created_at"], self.metric_rows)
        self.job_rows, self.metric_rows = [], []

    @classmethod
    def standard(cls, data_dir, rng, expired=5000, kept=1000, orphans=1200):
        """Retention 30 d completed, 7 d failed and cancelled, 24 h orphan grace (the defaults)."""
        d = cls(data_dir, rng)
        for i in range(expired):
            kind = i % 10
            if kind < 7:
                d.job("completed", completed_days_ago=rng.randint(31, 400), must_go=True)
            elif kind < 9:
                d.job("failed", completed_days_ago=rng.randint(8, 400), must_go=True)
            else:
                d.job("cancelled", completed_days_ago=rng.randint(8, 400), must_go=True)
        for i in range(kept):
            kind = i % 5
            if kind == 0:
                d.job("completed", completed_days_ago=rng.randint(0, 28))
            elif kind == 1:
                d.job("failed", completed_days_ago=rng.randint(0, 5))
            elif kind == 2:
                d.job("pending", created_days_ago=500)   # old, but never finished
            elif kind == 3:
                d.job("running", created_days_ago=500)
            else:
                d.job("completed", completed_days_ago=None)  # finished without a timestamp
        for i in range(orphans):
            if i % 3 == 0:
                d.orphan_output(72)
            elif i % 10 == 1:
                d.orphan_upload(72, temp=True)
            else:
                d.orphan_upload(72)
        for i in range(100):
            d.orphan_upload(1, must_go=False)  # inside the grace window
        for i in range(20):
            d.foreign(f"operator notes {i}.txt")
        d.commit()
        return d

    def violations(self, after_completion):
        """What is wrong on disk and in the database; empty when every invariant holds."""
        problems = []
        live = rows("select id, status, file_path from jobs where status <> 'deleting'")
        for job_id, status, path in live:
            if not os.path.exists(path):
                problems.append(f"visible job {job_id} ({status}) has no upload {path}")
            elif status == "completed" and job_id in self.kept and not os.path.exists(
                    os.path.join(self.outputs, job_id, "results.json")):
                problems.append(f"visible job {job_id} has no outputs")
        present = {r[0]: r[1] for r in rows("select id, status from jobs")}
        metric_counts = {r[0]: int(r[1]) for r in rows(
            "select job_id, count(*) from metrics group by job_id")}
        for job_id, (status, metrics) in self.kept.items():
            if present.get(job_id) != status:
                problems.append(f"kept job {job_id} is {present.get(job_id)}, was {status}")
            if metric_counts.get(job_id, 0) != metrics:
                problems.append(f"kept job {job_id} has {metric_counts.get(job_id, 0)} metrics")
            if not os.path.exists(os.path.join(self.uploads, f"{job_id}_scan.csv")):
                problems.append(f"kept job {job_id} lost its upload")
            if not os.path.exists(os.path.join(self.outputs, job_id, "results.json")):
                problems.append(f"kept job {job_id} lost its outputs")
        for path in self.protected_files:
            if not os.path.lexists(path):
                problems.append(f"protected file {path} was deleted")
        if after_completion:
            for job_id in self.expired:
                if job_id in present:
                    problems.append(f"expired job {job_id} still has a row ({present[job_id]})")
                if metric_counts.get(job_id):
                    problems.append(f"expired job {job_id} still has metrics")
                if os.path.lexists(os.path.join(self.uploads, f"{job_id}_scan.csv")):
                    problems.append(f"expired job {job_id} still has its upload")
                if os.path.lexists(os.path.join(self.outputs, job_id)):
                    problems.append(f"expired job {job_id} still has its outputs")
            for path in self.orphans:
                if os.path.lexists(path):
                    problems.append(f"orphan {path} survived")
            deleting = scalar("select count(*) from jobs where status = 'deleting'")
            if deleting:
                problems.append(f"{deleting} rows left in status deleting")
            if scalar("select count(*) from cleanup_lock where run_id is not null"):
                problems.append("the cleanup lock is still held")
        return problems


def migrate(data_dir):
    """Creates the schema: one service start (Flyway), then stop."""
    service = Service("migrate", base_env(data_dir, CLEANUP_ENABLED="false")).start()
    try:
        service.wait_up()
    finally:
        service.stop()


# ---------------------------------------------------------------------------------------------
# case 1: crashes


class CliRunner:
    """Cleanup as the operator CLI: one process per run."""

    trigger = "cli"

    def __init__(self, env):
        self.env = env
        self.out = os.path.join(WORK, "crash-cli.log")
        self.proc = None

    def start(self):
        self.proc = cli_start(["--quiet"], self.env, self.out)

    def finished(self):
        return self.proc.poll() is not None

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def complete(self):
        """Runs cleanup to completion; returns (exit, 'already running' answers first)."""
        return cli_until_done(["--quiet"], self.env, self.out)

    def close(self):
        pass


class ServiceRunner:
    """Without the CLI: cleanup as the service's scheduled run, and the whole service is killed."""

    trigger = "schedule (service SIGKILLed)"

    def __init__(self, env):
        self.env = dict(env, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                        SCHEDULER_HEARTBEAT_SECONDS="1")
        self.service = None

    def _up(self):
        if self.service is None or self.service.proc.poll() is not None:
            self.service = Service("crash", self.env).start().wait_up()
            wait_for(lambda: not scalar(
                "select count(*) from cleanup_lock where run_id is not null and heartbeat_at > "
                "now() - interval '5 seconds'"), 60)

    def _finished_runs(self):
        return scalar("select count(*) from cleanup_runs where outcome <> 'running' and "
                      "\"trigger\" = 'schedule'")

    def start(self):
        self._up()
        self.before = self._finished_runs()
        psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")

    def finished(self):
        return self._finished_runs() > self.before and not scalar(
            "select count(*) from cleanup_lock where run_id is not null")

    def kill(self):
        self.service.kill()

    def complete(self):
        self._up()
        refused = 0
        while True:
            outcome, errors = scheduled_cleanup(self.service)
            if outcome == "succeeded" or refused > 20:
                return (0 if outcome == "succeeded" else outcome), refused
            refused += 1
            time.sleep(1)

    def close(self):
        if self.service:
            self.service.stop()


def case_crash(args):
    rng = random.Random(SEED)
    data = os.path.join(WORK, "crash-data")
    fresh_dir(data)
    reset_schema()
    migrate(data)
    env = base_env(data)
    cli = cli_available() and not args.service
    runner = CliRunner(env) if cli else ServiceRunner(env)
    try:
        _crash(args, rng, data, runner, "crash" if cli else "crash-service")
    finally:
        runner.close()


def _crash(args, rng, data, runner, name):
    def fresh_dataset():
        if isinstance(runner, ServiceRunner):
            # the service stays up (and idle) while the dataset is laid out under it
            runner._up()
        empty_tables()
        fresh_dir(data)
        return Dataset.standard(data, rng, expired=args.expired)

    # calibration: uninterrupted runs tell how long a run lasts, so kills land inside it. Two of
    # them, keeping the shorter: the first CLI run after a build also records the class-data
    # archive, and a delay drawn from that longer time would mostly land after the run.
    durations, calibration = [], []
    for _ in range(2):
        dataset = fresh_dataset()
        started = time.time()
        runner.start()
        wait_for(runner.finished, 600, 0.05)
        durations.append(time.time() - started)
        calibration += dataset.violations(True)
    duration = min(durations)
    log(f"crash: calibration runs in {', '.join(f'{d:.1f}s' for d in durations)}, "
        f"{len(calibration)} violations")

    target = args.kills
    kills, survived, attempts, details, refused_total = 0, 0, 0, [], 0
    deadline = time.time() + args.budget_minutes * 60 if args.budget_minutes else None

    def summary(status):
        landed = [d["expired_jobs_gone_at_kill"] for d in details if d["killed"]]
        return {
            "status": status,
            "trigger": runner.trigger, "kills_target": target, "kills_tried": kills,
            "kills_survived": survived, "seed": SEED, "expired_jobs_per_dataset": args.expired,
            "kept_jobs_per_dataset": 1000, "orphans_per_dataset": 1200,
            "calibration_run_s": round(duration, 1), "calibration_violations": calibration[:5],
            "attempts": attempts, "runs_finished_before_the_kill": attempts - kills,
            "already_running_retries": refused_total,
            "kills_before_any_deletion": sum(1 for g in landed if g == 0),
            "kills_mid_deletion": sum(1 for g in landed if 0 < g < args.expired),
            "kills_after_all_jobs_deleted": sum(1 for g in landed if g == args.expired),
            "details": details}

    while kills < target and attempts < 3 * target:
        if deadline and time.time() > deadline:
            log(f"crash: time budget of {args.budget_minutes} min used up after {kills} kills")
            break
        attempts += 1
        dataset = fresh_dataset()
        delay = rng.uniform(0.15, 0.97) * duration
        runner.start()
        time.sleep(delay)
        if runner.finished():
            details.append({"delay_s": round(delay, 2), "killed": False})
            continue
        runner.kill()
        kills += 1
        gone = len(dataset.expired) - scalar(
            "select count(*) from jobs where id in (%s)" % ",".join(
                f"'{j}'" for j in dataset.expired))
        claimed = scalar("select count(*) from jobs where status = 'deleting'")
        at_kill = dataset.violations(False)
        rc, refused = runner.complete()
        refused_total += refused
        after = dataset.violations(True)
        ok = not at_kill and not after and rc == 0
        survived += 1 if ok else 0
        details.append({"delay_s": round(delay, 2), "killed": True,
                        "expired_jobs_gone_at_kill": gone, "rows_deleting_at_kill": claimed,
                        "refused_after_kill": refused, "completion": rc,
                        "violations_at_kill": at_kill[:5], "violations_after": after[:5]})
        log(f"crash: kill {kills}/{target} at {delay:.1f}s ({gone} of {len(dataset.expired)} "
            f"expired gone, {claimed} claimed): {'held' if ok else 'VIOLATED'} "
            f"{(at_kill + after)[:3]}")
        save(name, summary("running"))  # a stopped harness keeps what it has seen
    if survived != kills:
        status = "failed"
    else:
        status = "ok" if kills == target else "ok so far (stopped short of the target)"
    save(name, summary(status))


# ---------------------------------------------------------------------------------------------
# case 2: deletion racing live work


def case_race(args):
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
            if not os.path.exists(job["file_path"]):
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


# ---------------------------------------------------------------------------------------------
# case 3: concurrent runs from every entry point


def case_concurrent(args):
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


# ---------------------------------------------------------------------------------------------
# case 4: several nodes


def case_nodes(args):
    rng = random.Random(SEED + 4)
    data = os.path.join(WORK, "nodes-data")
    fresh_dir(data)
    reset_schema()
    markers = os.path.join(WORK, "nodes-markers.log")
    open(markers, "w").close()
    env = base_env(data, PROCESSOR="command",
                   PROCESSOR_COMMAND=f"{ROOT}/reliability/slow-processor {{input}} {{output_dir}}",
                   RELIABILITY_MARKERS=markers, SLOW_PROCESSOR_SECONDS="5",
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


# ---------------------------------------------------------------------------------------------
# case 5: hostile filesystem at scale


def case_hostile(args):
    rng = random.Random(SEED + 5)
    data = os.path.join(WORK, "hostile-data")
    outside = os.path.join(WORK, "hostile-outside")
    fresh_dir(data)
    fresh_dir(outside)
    reset_schema()
    use_cli = cli_available()
    env = base_env(data, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24")
    service = Service("hostile", env).start().wait_up()
    try:
        _hostile(args, rng, data, outside, env, service, use_cli)
    finally:
        service.stop()


def _hostile(args, rng, data, outside, env, service, use_cli):
    wait_for(lambda: not scalar("select count(*) from cleanup_lock where run_id is not null"), 60)
    d = Dataset.standard(data, rng, expired=1000, kept=500, orphans=300)
    targets = []
    for i in range(50):
        target = os.path.join(outside, f"precious-{i}")
        os.makedirs(target)
        with open(os.path.join(target, "keep.txt"), "w") as f:
            f.write("keep")
        targets.append(target)
    kinds = {"file": 0, "dir": 0, "root": 0, "dangling": 0, "loop": 0, "inside-expired": 0}
    links = []

    def plant(path, target, kind, must_go=True):
        os.symlink(target, path)
        Dataset._age(path, 72)
        kinds[kind] += 1
        (links if must_go else d.protected_files).append(path)

    for i in range(200):
        which = i % 5
        root = d.uploads if i % 2 else d.outputs
        name = (f"{uuid.uuid4()}_link" if root == d.uploads else str(uuid.uuid4()))
        path = os.path.join(root, name)
        if which == 0:
            plant(path, os.path.join(targets[i % 50], "keep.txt"), "file")
        elif which == 1:
            plant(path, targets[i % 50], "dir")
        elif which == 2:
            plant(path, "/", "root")
        elif which == 3:
            plant(path, os.path.join(outside, "missing"), "dangling")
        else:
            plant(path, path, "loop")
    for job_id in d.expired[:200]:
        plant(os.path.join(d.outputs, job_id, "escape"), targets[rng.randrange(50)],
              "inside-expired", must_go=False)
    weird = 0
    for name in ["with space", "new\nline", "tab\tname", "x" * 200, "ünïcödé-名"]:
        d.orphan_upload(72)
        path = os.path.join(d.uploads, f"{uuid.uuid4()}_{name}")
        with open(path, "w") as f:
            f.write("weird")
        Dataset._age(path, 72)
        d.orphans.append(path)
        weird += 1
    bad = os.path.join(d.uploads.encode(), uuid.uuid4().hex.encode() + b"-\xff\xfe")
    with open(bad, "w") as f:
        f.write("not utf-8")
    d.protected_files.append(bad.decode("utf-8", "surrogateescape"))
    bad_orphan = os.path.join(d.uploads.encode(), str(uuid.uuid4()).encode() + b"_\xff.csv")
    with open(bad_orphan, "w") as f:
        f.write("not utf-8")
    os.utime(bad_orphan, (time.time() - 72 * 3600,) * 2)
    d.orphans.append(bad_orphan.decode("utf-8", "surrogateescape"))
    out = os.path.join(WORK, "hostile-cli.log")
    if use_cli:
        rc, _ = cli_until_done(["--quiet"], env, out)
    else:
        outcome = scheduled_cleanup(service)[0]
        rc = 0 if outcome == "succeeded" else outcome
    problems = d.violations(True)
    # links inside expired outputs are removed with their job
    problems = [p for p in problems if "/escape was deleted" not in p]
    for path in links:
        if os.path.lexists(path):
            problems.append(f"link {path} survived")
    for target in targets:
        if not os.path.exists(os.path.join(target, "keep.txt")):
            problems.append(f"link target {target} was touched")
    for p in ["/etc/hostname", "/etc/passwd", "/bin/sh"]:
        if not os.path.exists(p):
            problems.append(f"{p} is gone")
    save("hostile", {
        "status": "ok" if rc == 0 and not problems else "failed", "exit": rc,
        "trigger": "cli" if use_cli else "schedule",
        "links_planted": kinds, "weird_names": weird + 2, "expired_jobs": len(d.expired),
        "violations": len(problems), "details": problems[:20]})


# ---------------------------------------------------------------------------------------------
# case 7: database trouble


def pg_cluster():
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1]


def pg_ctl(action):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", action],
                   check=False, capture_output=True, timeout=120)


def pg_up():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"],
                          capture_output=True).returncode == 0


def wait_for(predicate, timeout, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def scheduled_cleanup(service, timeout=300):
    """Makes the service's recurring cleanup due now and waits for that run to finish."""
    before = scalar("select count(*) from cleanup_runs where \"trigger\" = 'schedule'")
    psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")
    wait_for(lambda: scalar("select count(*) from cleanup_runs where \"trigger\" = 'schedule' "
                            "and outcome <> 'running'") > before, timeout, 0.5)
    return rows("""select outcome, coalesce(errors, '') from cleanup_runs
                    where "trigger" = 'schedule' order by started_at desc limit 1""")[0]


def case_dbtrouble(args):
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


# ---------------------------------------------------------------------------------------------
# report


CASES = {"crash": case_crash, "race": case_race, "concurrent": case_concurrent,
         "nodes": case_nodes, "hostile": case_hostile, "dbtrouble": case_dbtrouble}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", default="all", choices=list(CASES) + ["all", "report"])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--expired", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=70)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--kept", type=int, default=20000)
    parser.add_argument("--cli-head-start", type=float, default=2.0)
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--race-kept", type=int, default=5000)
    parser.add_argument("--budget-minutes", type=float, default=0,
                        help="crash: stop killing after this long (0: no limit)")
    parser.add_argument("--service", action="store_true",
                        help="crash: kill the service running its scheduled cleanup, not the CLI")
    parser.add_argument("--node-env", action="append", default=[],
                        help="NAME=value for the nodes case's services (repeatable)")
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    # a terminated harness still runs its finally blocks: services stopped, PostgreSQL started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.case != "report":
        for name in (CASES if args.case == "all" else [args.case]):
            log(f"=== {name}")
            try:
                CASES[name](args)
            except Exception as e:  # one broken case must not hide the others' results
                save(name if name != "crash" or not args.service else "crash-service",
                     {"status": "error", "why": repr(e)})
    subprocess.run([sys.executable, os.path.join(ROOT, "reliability", "report.py")], check=True)


if __name__ == "__main__":
    main()
