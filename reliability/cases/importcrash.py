"""Case 15: `import neuroinsight` SIGKILLed at seeded random moments, rerun until it finishes.

Each round builds a NeuroInsight installation from scratch: a PostgreSQL database in the reference
schema (enum `jobstatus`, tables `jobs` and `metrics`, as in ReferenceApp) holding jobs of every
status with metric rows, and a data directory with `uploads/{random uuid}_{name}` and
`outputs/{job_id}/` trees, dated months back. The real command (bin/cleanup-storage import
neuroinsight, a separate JVM) is SIGKILLed 1 to --import-kills times at uniform random fractions
of an uninterrupted run's duration, then run to completion. Two variants alternate: the source on
the target's filesystem (files renamed, the source emptied) and on /dev/shm (copied and verified,
the source kept).

At every kill: no entry in Storekeeper's layout without its job row; every job not held by the
import has all its files; every held job has an `adopting` import row and the reverse; nothing is
lost or doubled (an entry is in exactly one place when moved); a dry-run cleanup with
ORPHAN_GRACE_HOURS=0 lists no orphan and no held job. After completion the end state is compared
exactly with the source (rows, status mapping, times, metric rows and values, sizes, every file's
bytes by SHA-256, the source emptied or kept), no job held, every import `done`, `stats --verify`
exit 0, and the dry-run cleanup lists no orphan.
"""
import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

from lib.cli import cli_available, cli_run, cli_start
from lib.context import DB, ROOT, SEED, WORK, log
from lib.files import fresh_dir
from lib.pg import copy_in, empty_tables, psql, reset_schema, rows, scalar
from lib.results import save
from lib.service import base_env, migrate

SOURCE_DB = DB + "_neuroinsight"
SHM = "/dev/shm"

# the reference's own DDL, the file the Java tests read too (ReferenceApp)
with open(os.path.join(ROOT, "src", "test", "resources", "neuroinsight-schema.sql")) as schema_file:
    SCHEMA = ("drop table if exists metrics; drop table if exists jobs; drop type if exists jobstatus;\n"
              + schema_file.read())

MAPPED = {"COMPLETED": "completed", "FAILED": "failed", "CANCELLED": "cancelled",
          "RUNNING": "failed", "PENDING": "failed"}
NAMES = ["T1w.nii.gz", "sub-{i:04d}_ses-01_T1w.nii.gz", "scan {i}.nii", "brain (copy) {i}.nii.gz",
         "ünïcode-{i}.nii", "-lead.dash.{i}.nii", "x;y $z {i}.nii.gz"]
REGIONS = ["hippocampus", "amygdala", "thalamus", "caudate", "putamen", "pallidum"]

# set when a round violated something: the harness then exits non-zero
failed = False
LOAD_AT_START = None


def options(parser):
    parser.add_argument("--import-rounds", type=int, default=10,
                        help="importcrash: rounds (fresh source, kills, run to completion)")
    parser.add_argument("--import-jobs", type=int, default=1000,
                        help="importcrash: NeuroInsight jobs in each round's source")
    parser.add_argument("--import-kills", type=int, default=3,
                        help="importcrash: at most this many SIGKILLs per round (at least 1)")
    parser.add_argument("--import-variants", default="move,copy",
                        help="importcrash: move (source on DATA_DIR's filesystem), copy (source"
                             " on /dev/shm); comma-separated, alternating by round")


def safe_name(original):
    """StorageLayout.safeName: [A-Za-z0-9._-], runs of others one '_', no leading '.'/'-',
    at most 200 characters (the end kept), 'upload' when no letter or digit is left."""
    name = original or ""
    name = name[max(name.rfind("/"), name.rfind("\\")) + 1:]
    out, replacing = [], False
    for ch in name:
        if ch.isascii() and (ch.isalnum() or ch in "._-"):
            out.append(ch)
            replacing = False
        elif not replacing:
            out.append("_")
            replacing = True
    result = "".join(out).lstrip(".-")
    if len(result) > 200:
        result = result[-200:].lstrip(".-")
    return result if any(c.isascii() and c.isalnum() for c in result) else "upload"


def sha(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def ts(t):
    return None if t is None else t.strftime("%Y-%m-%d %H:%M:%S.%f")


def ms(t):
    return None if t is None else round(t.replace(tzinfo=timezone.utc).timestamp() * 1000)


class Source:
    """One NeuroInsight installation: its database rows and its data directory, with what every
    job must become (files by relative path, size and SHA-256)."""

    def __init__(self, data, rng, count):
        self.data = data
        self.rng = rng
        self.jobs = {}
        fresh_dir(data)
        os.makedirs(os.path.join(data, "uploads"))
        os.makedirs(os.path.join(data, "outputs"))
        now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        job_rows, metric_rows = [], []
        for i in range(count):
            kind = i % 10
            status = ("COMPLETED" if kind < 4 or kind == 9 else "FAILED" if kind < 6
                      else "CANCELLED" if kind == 6 else "RUNNING" if kind == 7 else "PENDING")
            job_id = str(uuid.uuid4())
            filename = rng.choice(NAMES).format(i=i)
            created = now - timedelta(days=rng.randint(20, 400), milliseconds=rng.randint(0, 10**7))
            started = None if status == "PENDING" else created + timedelta(seconds=5)
            completed = None
            if status in ("COMPLETED", "FAILED", "CANCELLED"):
                completed = created + timedelta(minutes=rng.randint(1, 90),
                                                milliseconds=rng.randint(0, 999))
            if kind == 9 and i % 20 == 9:
                completed = None  # finished without a timestamp: the import's time
            entry = f"{uuid.uuid4()}_{filename.replace('/', '_')}"
            size = 1 << 20 if i % 25 == 0 else rng.randint(1, 64 * 1024)
            upload = self._write(os.path.join("uploads", entry), size,
                                 age_days=rng.randint(20, 400))
            outputs, result = {}, None
            if status == "COMPLETED":
                outputs["results.json"] = 0
                for s in range(rng.randint(1, 4)):
                    outputs[f"visualizations/slice_{s:02d}.png"] = 0
                outputs["report/summary.txt"] = 0
                result = f"/app/data/outputs/{job_id}/results.json"
            elif status in ("FAILED", "CANCELLED") and i % 2 == 0:
                outputs["log.txt"] = 0
            elif status == "RUNNING":
                outputs["partial/step1.txt"] = 0
            for rel in list(outputs):
                outputs[rel] = self._write(os.path.join("outputs", job_id, rel),
                                           rng.randint(0, 32 * 1024), age_days=rng.randint(20, 400))
            metrics = []
            if status == "COMPLETED" or (status == "FAILED" and i % 4 == 0):
                for region in rng.sample(REGIONS, rng.randint(1, 4)):
                    metrics.append((region, round(rng.uniform(500, 5000), 3),
                                    round(rng.uniform(500, 5000), 3), round(rng.uniform(-1, 1), 6),
                                    created + timedelta(seconds=60 + len(metrics))))
            error = None
            if status == "FAILED":
                error = None if i % 3 == 0 else f"FreeSurfer exited with {rng.randint(1, 9)}"
            step = {"COMPLETED": "done", "RUNNING": "segmentation"}.get(status)
            job_rows.append([job_id, filename, f"/app/data/uploads/{entry}", status,
                             100 if completed else rng.randint(0, 99), step, error, ts(created),
                             ts(started), ts(completed), result])
            for m in metrics:
                metric_rows.append([str(uuid.uuid4()), job_id, m[0], m[1], m[2], m[3], ts(m[4])])
            self.jobs[job_id] = {
                "status": status, "filename": filename, "entry": entry, "upload": upload,
                "outputs": outputs, "result": result, "created": ms(created),
                "completed": ms(completed), "metrics": sorted(
                    (f"{m[0]}.{k}", v) for m in metrics
                    for k, v in (("left_volume", m[1]), ("right_volume", m[2]),
                                 ("asymmetry_index", m[3])))}
        psql(SCHEMA, db=SOURCE_DB)
        copy_in("jobs", ["id", "filename", "file_path", "status", "progress", "current_step",
                         "error_message", "created_at", "started_at", "completed_at",
                         "result_path"], nulls(job_rows), db=SOURCE_DB)
        copy_in("metrics", ["id", "job_id", "region", "left_volume", "right_volume",
                            "asymmetry_index", "created_at"], metric_rows, db=SOURCE_DB)
        self.metric_rows = len(metric_rows)
        self.files = sum(1 + len(j["outputs"]) for j in self.jobs.values())
        self.bytes = sum(j["upload"][0] + sum(o[0] for o in j["outputs"].values())
                         for j in self.jobs.values())

    def _write(self, rel, size, age_days):
        path = os.path.join(self.data, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        content = self.rng.randbytes(size)
        with open(path, "wb") as f:
            f.write(content)
        t = time.time() - age_days * 86400
        os.utime(path, (t, t))
        return size, hashlib.sha256(content).hexdigest(), int(t)


def nulls(data):
    """COPY's CSV reads an empty unquoted field as NULL: None becomes that."""
    return [["" if v is None else v for v in r] for r in data]


def entries(directory):
    try:
        return set(os.listdir(directory))
    except FileNotFoundError:
        return set()


def tree(top):
    """{relative path: (size, sha256)} of the regular files below top; links and others as such."""
    found = {}
    for base, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, top)
            st = os.lstat(path)
            found[rel] = (st.st_size, sha(path)) if stat.S_ISREG(st.st_mode) else ("not a file",)
    return found


def target_jobs():
    return {r[0]: r for r in rows(
        """select id, status, filename, file_path, coalesce(result_path, ''), upload_bytes,
                  output_bytes, round(extract(epoch from created_at) * 1000),
                  coalesce(round(extract(epoch from completed_at) * 1000)::text, ''),
                  coalesce(held_by, ''), coalesce(error_message, '') from jobs""")}


def at_kill(source, data, copying):
    """What is wrong right after a kill (before any rerun)."""
    problems = []
    jobs = target_jobs()
    imports = {r[0]: r[1] for r in rows("select job_id, state from neuroinsight_imports")}
    uploads = os.path.join(data, "uploads")
    outputs = os.path.join(data, "outputs")
    for name in entries(uploads):
        job_id = name[len(".incoming-"):-len(".part")] if name.startswith(".incoming-") \
            else name[:36]
        if job_id not in jobs:
            problems.append(f"uploads/{name} has no job row")
    for name in entries(outputs):
        if name not in jobs:
            problems.append(f"outputs/{name} has no job row")
    for job_id, row in jobs.items():
        held = row[9] == "import"
        if held != (imports.get(job_id) == "adopting"):
            problems.append(f"job {job_id}: held by '{row[9]}', import {imports.get(job_id)}")
        src = source.jobs.get(job_id)
        if src is None:
            problems.append(f"job {job_id} is not in the source")
            continue
        if not held:
            if not os.path.isfile(row[3]):
                problems.append(f"job {job_id} is not held and its upload is missing")
            if src["outputs"] and len(tree(os.path.join(outputs, job_id))) != len(src["outputs"]):
                problems.append(f"job {job_id} is not held and its outputs are incomplete")
    for job_id, src in source.jobs.items():
        at_source = os.path.lexists(os.path.join(source.data, "uploads", src["entry"]))
        in_place = os.path.lexists(os.path.join(uploads, f"{job_id}_{safe_name(src['filename'])}"))
        if not at_source and not in_place:
            problems.append(f"job {job_id}: its upload is in neither place")
        if at_source and in_place and not copying:
            problems.append(f"job {job_id}: its upload is in both places after a rename")
        if src["outputs"]:
            at_source = os.path.lexists(os.path.join(source.data, "outputs", job_id))
            in_place = os.path.lexists(os.path.join(outputs, job_id))
            if not at_source and not in_place:
                problems.append(f"job {job_id}: its outputs are in neither place")
            if at_source and in_place and not copying:
                problems.append(f"job {job_id}: its outputs are in both places after a rename")
    return problems


def converged(source, data, copying, started_ms, finished_ms):
    """Everything that differs between Storekeeper's end state and the source."""
    problems = []
    jobs = target_jobs()
    uploads = os.path.join(data, "uploads")
    outputs = os.path.join(data, "outputs")
    if set(jobs) != set(source.jobs):
        problems.append(f"{len(set(source.jobs) - set(jobs))} source jobs missing,"
                        f" {len(set(jobs) - set(source.jobs))} rows not from the source")
    metrics = {}
    for job_id, name, value in rows('select job_id, name, "value" from metrics'):
        metrics.setdefault(job_id, []).append((name, float(value)))
    imports = rows("select state, count(*) from neuroinsight_imports group by state")
    if imports != [["done", str(len(source.jobs))]]:
        problems.append(f"neuroinsight_imports: {imports}, expected {len(source.jobs)} done")
    mtimes_differ = 0
    for job_id, src in source.jobs.items():
        row = jobs.get(job_id)
        if row is None:
            continue
        what = f"job {job_id} ({src['status']})"
        if row[1] != MAPPED[src["status"]]:
            problems.append(f"{what} is {row[1]}")
        if row[2] != src["filename"]:
            problems.append(f"{what} filename {row[2]!r}")
        upload = os.path.join(uploads, f"{job_id}_{safe_name(src['filename'])}")
        if row[3] != upload:
            problems.append(f"{what} file_path {row[3]}")
        result = os.path.join(outputs, job_id, "results.json") if src["result"] else ""
        if row[4] != result:
            problems.append(f"{what} result_path {row[4]!r}")
        if int(row[5]) != src["upload"][0]:
            problems.append(f"{what} upload_bytes {row[5]}, source {src['upload'][0]}")
        out_bytes = sum(o[0] for o in src["outputs"].values())
        if int(row[6]) != out_bytes:
            problems.append(f"{what} output_bytes {row[6]}, source {out_bytes}")
        if int(float(row[7])) != src["created"]:
            problems.append(f"{what} created_at differs")
        completed = int(float(row[8])) if row[8] else None
        if src["completed"] is not None and src["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            if completed != src["completed"]:
                problems.append(f"{what} completed_at {completed}, source {src['completed']}")
        elif completed is None or not started_ms - 1000 <= completed <= finished_ms + 1000:
            problems.append(f"{what} completed_at {completed} is not the import's time")
        if src["status"] in ("RUNNING", "PENDING") and "in NeuroInsight" not in row[10]:
            problems.append(f"{what} error_message does not say it was {src['status']}")
        if row[9]:
            problems.append(f"{what} still held by '{row[9]}'")
        if sorted(metrics.get(job_id, [])) != src["metrics"]:
            problems.append(f"{what} has {len(metrics.get(job_id, []))} metric rows,"
                            f" expected {len(src['metrics'])} (values compared)")
        if not os.path.isfile(upload) or os.path.islink(upload):
            problems.append(f"{what} upload missing at {upload}")
        else:
            st = os.lstat(upload)
            if (st.st_size, sha(upload)) != src["upload"][:2]:
                problems.append(f"{what} upload differs from the source (size or SHA-256)")
            if st.st_mode & 0o077:
                problems.append(f"{what} upload mode {oct(st.st_mode & 0o777)}, not private")
            if int(st.st_mtime) != src["upload"][2]:
                mtimes_differ += 1
        expected_tree = {rel: o[:2] for rel, o in src["outputs"].items()}
        if tree(os.path.join(outputs, job_id)) != expected_tree:
            problems.append(f"{what} outputs differ from the source (paths, sizes or SHA-256)")
        src_upload = os.path.join(source.data, "uploads", src["entry"])
        src_outputs = os.path.join(source.data, "outputs", job_id)
        if copying:
            if not os.path.isfile(src_upload) or sha(src_upload) != src["upload"][1]:
                problems.append(f"{what} source upload not kept as it was (copy)")
            if tree(src_outputs) != expected_tree:
                problems.append(f"{what} source outputs not kept as they were (copy)")
        else:
            if os.path.lexists(src_upload):
                problems.append(f"{what} source upload still there after a rename")
            if os.path.lexists(src_outputs):
                problems.append(f"{what} source outputs still there after a rename")
    expected_uploads = {f"{j}_{safe_name(s['filename'])}" for j, s in source.jobs.items()}
    stray = entries(uploads) - expected_uploads
    if stray:
        problems.append(f"{len(stray)} entries in uploads/ without their row: {sorted(stray)[:3]}")
    stray = entries(outputs) - {j for j, s in source.jobs.items() if s["outputs"]}
    if stray:
        problems.append(f"{len(stray)} entries in outputs/ without their row: {sorted(stray)[:3]}")
    return problems, mtimes_differ


def json_report(path):
    """The counts of `import neuroinsight --json`'s document in path, or None."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
        return json.loads(text[text.index("{"):]).get("counts")
    except ValueError:
        return None


def dry_run_cleanup(env, out_path):
    """(problems, items) of `cleanup --dry-run --json` with every orphan due (grace 0)."""
    rc = cli_run(["cleanup", "--dry-run", "--json", "--list"], dict(env, ORPHAN_GRACE_HOURS="0"),
                 out_path)
    with open(out_path, errors="replace") as f:
        text = f.read()
    try:
        doc = json.loads(text[text.index("{"):])
    except ValueError:
        return [f"cleanup --dry-run --json exit {rc}, no JSON: {text[-300:]}"], []
    items = doc.get("items") or []
    problems = [] if rc == 0 else [f"cleanup --dry-run exit {rc}"]
    if doc.get("items_next") or doc.get("items_total") != len(items):
        problems.append(f"the dry run listed {len(items)} of {doc.get('items_total')} items")
    orphans = [i for i in items if not str(i.get("category", "")).endswith("_job")]
    counted = (doc.get("orphaned_uploads"), doc.get("orphaned_outputs"),
               doc.get("unrecognized_found"))
    if orphans or counted != (0, 0, 0):
        problems.append(f"the dry-run cleanup found orphans (uploads, outputs, unrecognised"
                        f" {counted}): {[i.get('path') for i in orphans[:3]]}")
    return problems, items


def run(args):
    global failed, LOAD_AT_START
    LOAD_AT_START = os.getloadavg()
    if not cli_available():
        save("importcrash", {"status": "skipped", "why": "bin/cleanup-storage is missing"})
        failed = True
        return
    rng = random.Random(SEED + 15)
    data = os.path.join(WORK, "importcrash-data")
    variants = [v for v in args.import_variants.split(",") if v]
    shm_ok = os.path.isdir(SHM) and os.stat(SHM).st_dev != os.stat(WORK).st_dev
    if "copy" in variants and not shm_ok:
        log("importcrash: /dev/shm is not another filesystem here: the copy variant is left out")
        variants = [v for v in variants if v != "copy"] or ["move"]
    roots = {"move": os.path.join(WORK, "importcrash-source"),
             "copy": os.path.join(SHM, f"storekeeper-importcrash-{os.getpid()}")}
    if not rows(f"select 1 from pg_database where datname = '{SOURCE_DB}'"):
        psql(f"create database {SOURCE_DB}", db="postgres")
    fresh_dir(data)
    reset_schema()
    migrate(data)
    env = base_env(data, CLEANUP_ENABLED="false", NEUROINSIGHT_SOURCE_PASSWORD="",
                   STORAGE_MIN_FREE_MB="0")
    source_url = f"jdbc:postgresql://127.0.0.1:5432/{SOURCE_DB}"
    out = os.path.join(WORK, "importcrash-cli.log")

    def fresh(variant):
        psql("delete from neuroinsight_imports")
        empty_tables()
        fresh_dir(data)
        return Source(roots[variant], rng, args.import_jobs)

    def command(variant):
        return ["import", "neuroinsight", "--source-url", source_url, "--source-user", "postgres",
                "--source-data", os.path.join(roots[variant], ""), "--json"]

    def check_end(source, variant, started, rc):
        finished = time.time()
        problems = [] if rc == 0 else [f"the completing run exited {rc}"]
        report = None
        report = json_report(out)
        if report is None:
            problems.append("the completing run printed no JSON report")
        if report and report.get("failed"):
            problems.append(f"the completing run reported {report.get('failed')} failed")
        more, mtimes = converged(source, data, variant == "copy", started * 1000, finished * 1000)
        problems += more
        verify = cli_run(["stats", "--verify"], env, os.path.join(WORK, "importcrash-stats.log"))
        if verify != 0:
            problems.append(f"stats --verify exit {verify}")
        cleanup, items = dry_run_cleanup(env, os.path.join(WORK, "importcrash-cleanup.log"))
        problems += cleanup
        return problems, report, mtimes, len(items)

    durations = {}
    calibration = {}
    try:
        for variant in variants:
            runs, idle = [], []
            for _ in range(2 if not durations else 1):
                source = fresh(variant)
                started = time.time()
                rc = cli_run(command(variant), env, out)
                runs.append(time.time() - started)
                problems, report, mtimes, _ = check_end(source, variant, started, rc)
                # a rerun with nothing left to do: the idempotency claim, and the start-up share
                # of a run (JVM, schema checks) for placing kills in shorter, resumed runs
                again = time.time()
                rerun_rc = cli_run(command(variant), env, out)
                idle.append(time.time() - again)
                rerun = json_report(out)
                if rerun_rc != 0 or not rerun or rerun.get("present") != len(source.jobs):
                    problems.append(f"a rerun after completion: exit {rerun_rc}, {rerun}")
                calibration[variant] = {"run_s": round(runs[-1], 2), "exit": rc,
                                        "report": report, "rerun_s": round(idle[-1], 2),
                                        "rerun_report": rerun, "violations": problems[:10],
                                        "upload_mtimes_not_kept": mtimes}
                log(f"importcrash: calibration {variant}: {runs[-1]:.1f}s exit {rc}, {report};"
                    f" rerun {idle[-1]:.1f}s {rerun}:"
                    f" {'converged' if not problems else 'VIOLATED'} {problems[:3]}")
            durations[variant] = {"full": min(runs), "startup": min(idle)}

        rounds, redone = [], []
        for number in range(args.import_rounds):
            variant = variants[number % len(variants)]
            for _ in range(3):
                result = _round(args, rng, number, variant, fresh, command, check_end,
                                durations[variant], env, data, out)
                if result["kills"] or result["violations"] or result["violations_at_kill"]:
                    break
                # every attempt finished before its kill (the machine was faster than at the
                # calibration): a round without a kill proves nothing, so it is done again
                redone.append(result)
            rounds.append(result)
            save("importcrash", _summary(args, rounds, durations, calibration, "running", redone))
        bad = [r for r in rounds if r["violations"] or r["violations_at_kill"]]
        bad += [v for v in calibration.values() if v["violations"]]
        failed = bool(bad)
        summary = _summary(args, rounds, durations, calibration, "failed" if bad else "ok",
                           redone)
        save("importcrash", summary)
        log(f"importcrash: {summary['rounds_converged']}/{summary['rounds']} converged,"
            f" {summary['kills']} kills ({summary['kills_mid_import']} mid-import),"
            f" {summary['seconds']} s of rounds; calibration"
            f" {', '.join('%s %.1fs' % (k, v['full']) for k, v in durations.items())}")
    finally:
        if os.path.isdir(roots["copy"]):
            subprocess.run(["rm", "-rf", roots["copy"]], check=False)


def _round(args, rng, number, variant, fresh, command, check_end, duration, env, data, out):
    source = fresh(variant)
    copying = variant == "copy"
    began = time.time()
    planned = rng.randint(1, max(1, args.import_kills))
    kills, at_kill = [], []
    adopting_before = 0
    for _ in range(planned):
        # a run takes its start-up plus a share of the full run for the jobs left: the kill lands
        # at a uniform random moment of that
        n = len(source.jobs)
        left = n - scalar("select count(*) from neuroinsight_imports"
                                         " where state = 'done'")
        expected = duration["startup"] + (duration["full"] - duration["startup"]) * max(
            0, left) / len(source.jobs)
        delay = rng.uniform(0.05, 0.95) * expected
        attempt_began = time.time()
        proc = cli_start(command(variant), env, out)
        try:
            rc = proc.wait(timeout=delay)
            kills.append({"delay_s": round(delay, 2), "killed": False, "exit": rc})
            if left == len(source.jobs):
                # a whole run, faster than calibrated (the machine's load changes): the next
                # kills are placed in this duration
                duration["full"] = time.time() - attempt_began
            break  # it finished first: what is left is the completing run
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        counts = dict(rows("select state, count(*) from neuroinsight_imports group by state"))
        done, adopting = int(counts.get("done", 0)), int(counts.get("adopting", 0))
        problems = at_kill_checks(source, data, copying, env)
        at_kill += problems
        kills.append({"delay_s": round(delay, 2), "killed": True, "done_before": n - left,
                      "adopting_before": adopting_before, "done_at_kill": done,
                      "adopting_at_kill": adopting, "violations": problems[:5]})
        adopting_before = adopting
    started = time.time()
    rc = cli_run(command(variant), env, out)
    completing_s = time.time() - started
    problems, report, mtimes, listed = check_end(source, variant, began, rc)
    landed = [k for k in kills if k["killed"]]
    result = {"round": number + 1, "variant": variant, "jobs": len(source.jobs),
              "metric_rows": source.metric_rows, "files": source.files, "bytes": source.bytes,
              "kills": len(landed),
              # mid-import: the killed run had imported or begun a job of its own; else it was
              # killed while starting (JVM, schema checks, the first page)
              "kills_mid_import": sum(1 for k in landed if mid_import(k)),
              "kills_while_starting": sum(1 for k in landed if not mid_import(k)),
              "kills_before_any_row": sum(1 for k in landed
                                          if k["done_at_kill"] + k["adopting_at_kill"] == 0),
              "adopting_at_kills": sum(k["adopting_at_kill"] for k in landed),
              "completing_run_s": round(completing_s, 2), "completing_exit": rc,
              "completing_report": report, "round_s": round(time.time() - began, 1),
              "cleanup_dry_run_items": listed, "upload_mtimes_not_kept": mtimes,
              "attempts": kills, "violations_at_kill": at_kill[:10], "violations": problems[:10]}
    moments = ", ".join("%ss (done %d..%d, %d adopting)" % (
        k["delay_s"], k["done_before"], k["done_at_kill"], k["adopting_at_kill"]) for k in landed)
    log(f"importcrash: round {number + 1} ({variant}, {len(source.jobs)} jobs,"
        f" {source.files} files): {len(landed)} kill(s) at {moments or '-'};"
        f" completing run {completing_s:.1f}s exit {rc} {report}:"
        f" {'converged' if not problems and not at_kill else 'VIOLATED'}"
        f" {(at_kill + problems)[:3]}")
    return result


def mid_import(kill):
    """Whether the killed run had finished or begun a job of its own (an `adopting` job can be
    one an earlier kill left)."""
    return (kill["done_at_kill"] > kill["done_before"]
            or kill["adopting_at_kill"] > kill.get("adopting_before", 0))


def at_kill_checks(source, data, copying, env):
    problems = at_kill(source, data, copying)
    cleanup, items = dry_run_cleanup(env, os.path.join(WORK, "importcrash-cleanup.log"))
    problems += cleanup
    held = {r[0] for r in rows("select id from jobs where held_by = 'import'")}
    # a held job past its retention is listed as 'kept' (with its hold): never to be deleted
    listed = [i for i in items if str(i.get("job_id")) in held and i.get("result") != "kept"]
    if listed:
        problems.append(f"{len(listed)} jobs held by the import listed by the dry-run cleanup"
                        f" as {sorted({str(i.get('result')) for i in listed})}")
    return problems


def _summary(args, rounds, durations, calibration, status, redone):
    kills = sum(r["kills"] for r in rounds)
    return {
        "status": status, "seed": SEED, "rounds": len(rounds),
        "rounds_converged": sum(1 for r in rounds
                                if not r["violations"] and not r["violations_at_kill"]),
        "jobs_per_round": args.import_jobs, "max_kills_per_round": args.import_kills,
        "variants": sorted({r["variant"] for r in rounds}),
        "kills": kills,
        "kills_mid_import": sum(r["kills_mid_import"] for r in rounds),
        "kills_while_starting": sum(r["kills_while_starting"] for r in rounds),
        "kills_before_any_row": sum(r["kills_before_any_row"] for r in rounds),
        "rounds_redone_without_a_kill": len(redone),
        "attempts_finished_before_their_kill": sum(
            1 for r in rounds for k in r["attempts"] if not k["killed"]),
        "adopting_at_kills": sum(r["adopting_at_kills"] for r in rounds),
        "calibration_run_s": {k: round(v["full"], 2) for k, v in durations.items()},
        "calibration_startup_s": {k: round(v["startup"], 2) for k, v in durations.items()},
        "seconds": round(sum(r["round_s"] for r in rounds), 1),
        "upload_mtimes_not_kept": sum(r["upload_mtimes_not_kept"] for r in rounds),
        "load_average_at_start": LOAD_AT_START, "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "calibration": calibration, "details": rounds, "redone": redone}
