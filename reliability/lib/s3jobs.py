"""Jobs on the S3 backend for the s3nodes, s3race and s3crash cases: the nodes' settings (each node
its own DATA_DIR and WORK_DIR, one bucket), datasets in the shape the service leaves them (the data
contract of issue 13), and the checks, which read the bucket through the S3 API.

The contract: a job row names its upload as file_path = s3://{bucket}/{prefix}uploads/{id}_{name}
and its outputs as result_path = s3://{bucket}/{prefix}outputs/{id}/{file} (or .../outputs/{id}/);
the job's output objects are a JSON array of [relative path, bytes] in job_output_objects.objects
(V16: a table of its own keyed by job_id, on delete cascade), or no row there (then the job's
outputs are whatever lies under outputs/{id}/).
"""
import json
import os
import uuid
from datetime import datetime, timedelta, timezone

from lib.dataset import iso
from lib.files import fresh_dir
from lib.pg import copy_in, rows, scalar
from lib.service import base_env

BUCKET = "storekeeper-reliability"
PREFIX = "sk/"


def node_env(proxy, name, root, prefix=PREFIX, **overrides):
    """A node's environment: the S3 backend on the shared bucket, and a DATA_DIR and WORK_DIR of
    its own under root/name (created empty): nothing on disk is shared between nodes."""
    data = fresh_dir(os.path.join(root, name, "data"))
    work = os.path.join(root, name, "work")
    env = base_env(data, WORK_DIR=work, **proxy.env(BUCKET, prefix))
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def key_of(stored, bucket=BUCKET):
    """The key an s3:// location names in the bucket, or None."""
    head = f"s3://{bucket}/"
    return stored[len(head):] if stored and stored.startswith(head) else None


def bucket_listing(bucket, prefix=PREFIX):
    """{key: size} of everything under the prefix, through ListObjectsV2."""
    return bucket.list(prefix)


def job_object_problems(job_rows, listing, prefix=PREFIX, check_outputs_of=None):
    """What is missing in the bucket for the given jobs. job_rows: (id, status, file_path,
    result_path, output_objects, upload_bytes, output_bytes). A job's upload must be an object of
    upload_bytes bytes; a completed job's output objects (output_objects, or at least one object
    under outputs/{id}/ when null) must be there with their sizes, and result_path, when it names
    an object, too. check_outputs_of: ids whose outputs are checked whatever their status."""
    problems = []
    for job_id, status, file_path, result_path, output_objects, upload_bytes, _ in job_rows:
        key = key_of(file_path)
        if key is None:
            problems.append(f"job {job_id} ({status}): file_path {file_path!r} is not in the bucket")
        elif key not in listing:
            problems.append(f"job {job_id} ({status}): upload object {key} missing")
        elif upload_bytes not in (None, "") and listing[key] != int(upload_bytes):
            problems.append(f"job {job_id}: upload {key} has {listing[key]} bytes, row says "
                            f"{upload_bytes}")
        if status != "completed" and not (check_outputs_of and job_id in check_outputs_of):
            continue
        out = f"{prefix}outputs/{job_id}/"
        if output_objects:
            for rel, size in json.loads(output_objects):
                if listing.get(out + rel) != int(size):
                    problems.append(f"job {job_id}: output object {out + rel} "
                                    f"{'missing' if out + rel not in listing else 'has ' + str(listing[out + rel]) + ' bytes, row says ' + str(size)}")
        elif not any(k.startswith(out) for k in listing):
            problems.append(f"job {job_id} ({status}): no output objects under {out}")
        rkey = key_of(result_path)
        if rkey and not rkey.endswith("/") and rkey not in listing:
            problems.append(f"job {job_id}: result_path object {rkey} missing")
    return problems


def jobs_rows(where="true"):
    return rows(f"""select j.id, j.status, j.file_path, coalesce(j.result_path, ''),
                           coalesce(o.objects, ''), j.upload_bytes, j.output_bytes
                      from jobs j left join job_output_objects o on o.job_id = j.id
                     where {where}""")


def stray_objects(listing, prefix=PREFIX):
    """Objects under uploads/ and outputs/ that no job row names (an upload of no row, outputs of
    no row): what a converged orphan sweep with no grace window leaves none of."""
    ids = {r[0] for r in rows("select id from jobs")}
    stray = []
    for key in listing:
        rest = key[len(prefix):]
        if rest.startswith("uploads/"):
            job = rest[len("uploads/"):].split("_", 1)[0]
        elif rest.startswith("outputs/"):
            job = rest[len("outputs/"):].split("/", 1)[0]
        else:
            continue
        if job not in ids:
            stray.append(key)
    return stray


class S3Dataset:
    """Jobs, orphans and foreign objects planted in the bucket (and rows in the database) in the
    shape the service leaves them, with what must go and what must stay."""

    def __init__(self, bucket, rng, prefix=PREFIX):
        self.bucket = bucket
        self.rng = rng
        self.prefix = prefix
        self.expired = []    # job ids whose rows, metrics and objects must be gone
        self.kept = {}       # job id -> (status, metric rows, {key: size})
        self.orphans = []    # keys that must be gone after a completion run
        self.protected = {}  # key -> size: young orphans, foreign keys; must survive
        self.job_rows, self.metric_rows, self.object_rows = [], [], []

    def job(self, status, completed_days_ago=None, created_days_ago=60, must_go=False,
            metrics=2, listed_outputs=True):
        """listed_outputs: job_output_objects names the objects (else no row: cleanup lists them)."""
        job_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc)
        upload_key = f"{self.prefix}uploads/{job_id}_scan.csv"
        upload = b"a,b\n1,2\n" * self.rng.randint(1, 20)
        outputs = [("results.json", b'{"ok": true}'),
                   ("visualizations/slice.png", b"\x89PNG" * self.rng.randint(10, 60))]
        objects = {upload_key: len(upload)}
        self.bucket.plant(upload_key, upload, age_hours=created_days_ago * 24)
        for rel, content in outputs:
            key = f"{self.prefix}outputs/{job_id}/{rel}"
            self.bucket.plant(key, content, age_hours=created_days_ago * 24)
            objects[key] = len(content)
        completed = None if completed_days_ago is None else iso(
            now - timedelta(days=completed_days_ago, seconds=self.rng.randint(0, 86000)))
        output_bytes = sum(len(c) for _, c in outputs)
        listed = json.dumps([[rel, len(c)] for rel, c in outputs]) if listed_outputs else None
        self.job_rows.append([
            job_id, "scan.csv", f"s3://{self.bucket.name}/{upload_key}", status, 100,
            iso(now - timedelta(days=created_days_ago)), completed, len(upload), output_bytes,
            1 if status != "pending" else 0,
            f"s3://{self.bucket.name}/{self.prefix}outputs/{job_id}/results.json"])
        if listed:
            self.object_rows.append([job_id, listed])
        for m in range(metrics):
            self.metric_rows.append([job_id, f"m{m}", 1.5, "u", iso(now)])
        if must_go:
            self.expired.append(job_id)
        else:
            self.kept[job_id] = (status, metrics, objects)
        return job_id

    def orphan_upload(self, age_hours, must_go=True):
        key = f"{self.prefix}uploads/{uuid.uuid4()}_lost file.csv"
        content = b"orphan" * self.rng.randint(1, 50)
        self.bucket.plant(key, content, age_hours)
        if must_go:
            self.orphans.append(key)
        else:
            self.protected[key] = len(content)

    def orphan_output(self, age_hours, must_go=True):
        """An output "directory" of no job: two objects, one of them nested."""
        job_id = uuid.uuid4()
        for rel in ("results.json", "sub/metrics.csv"):
            key = f"{self.prefix}outputs/{job_id}/{rel}"
            self.bucket.plant(key, b"{}", age_hours)
            if must_go:
                self.orphans.append(key)
            else:
                self.protected[key] = 2

    def foreign(self, key, age_hours=100):
        """An object the service must never touch: an unrecognised name inside the prefix, or
        anything outside it."""
        self.bucket.plant(key, b"operator's file", age_hours)
        self.protected[key] = len(b"operator's file")

    def commit(self):
        copy_in("jobs", ["id", "filename", "file_path", "status", "progress", "created_at",
                         "completed_at", "upload_bytes", "output_bytes", "attempts",
                         "result_path"],
                self.job_rows)
        copy_in("metrics", ["job_id", "name", '"value"', "unit", "created_at"], self.metric_rows)
        copy_in("job_output_objects", ["job_id", "objects"], self.object_rows)
        self.job_rows, self.metric_rows, self.object_rows = [], [], []

    @classmethod
    def standard(cls, bucket, rng, expired=1000, kept=300, orphans=300, young=50, foreign=20,
                 prefix=PREFIX):
        """Retention 30 d completed, 7 d failed and cancelled, 24 h orphan grace (the defaults).
        Half the jobs list their output objects in job_output_objects, half have no row there."""
        d = cls(bucket, rng, prefix)
        for i in range(expired):
            kind = i % 10
            listed = i % 2 == 0
            if kind < 7:
                d.job("completed", completed_days_ago=rng.randint(31, 400), must_go=True,
                      listed_outputs=listed)
            elif kind < 9:
                d.job("failed", completed_days_ago=rng.randint(8, 400), must_go=True,
                      listed_outputs=listed)
            else:
                d.job("cancelled", completed_days_ago=rng.randint(8, 400), must_go=True,
                      listed_outputs=listed)
        for i in range(kept):
            kind = i % 5
            listed = i % 2 == 0
            if kind == 0:
                d.job("completed", completed_days_ago=rng.randint(0, 28), listed_outputs=listed)
            elif kind == 1:
                d.job("failed", completed_days_ago=rng.randint(0, 5), listed_outputs=listed)
            elif kind == 2:
                d.job("pending", created_days_ago=500, listed_outputs=listed)
            elif kind == 3:
                d.job("running", created_days_ago=500, listed_outputs=listed)
            else:
                d.job("completed", completed_days_ago=None, listed_outputs=listed)
        for i in range(orphans):
            if i % 3 == 0:
                d.orphan_output(72)
            else:
                d.orphan_upload(72)
        for i in range(young):
            if i % 2:
                d.orphan_output(1, must_go=False)  # inside the grace window
            else:
                d.orphan_upload(1, must_go=False)
        for i in range(foreign):
            if i % 4 == 0:
                d.foreign(f"{prefix}uploads/operator notes {i}.txt")
            elif i % 4 == 1:
                d.foreign(f"{prefix}outputs/not-a-job-{i}/keep.txt")
            elif i % 4 == 2:
                d.foreign(f"other-app/{uuid.uuid4()}_data.csv")  # outside the prefix
            else:
                d.foreign(f"{prefix}notes/{i}.txt")
        d.commit()
        return d

    def violations(self, after_completion):
        """What is wrong in the bucket and the database; empty when every invariant holds. The
        bucket is read through ListObjectsV2 (one listing of the whole bucket)."""
        problems = []
        listing = self.bucket.list("")
        live = jobs_rows("status <> 'deleting'")
        # a job visible through the API must have its upload, and a kept completed job its outputs
        problems += job_object_problems(live, listing, self.prefix, check_outputs_of=set(
            j for j, (s, _, _) in self.kept.items()))
        present = {r[0]: r[1] for r in rows("select id, status from jobs")}
        metric_counts = {r[0]: int(r[1]) for r in rows(
            "select job_id, count(*) from metrics group by job_id")}
        for job_id, (status, metrics, objects) in self.kept.items():
            if present.get(job_id) != status:
                problems.append(f"kept job {job_id} is {present.get(job_id)}, was {status}")
            if metric_counts.get(job_id, 0) != metrics:
                problems.append(f"kept job {job_id} has {metric_counts.get(job_id, 0)} metrics")
            for key, size in objects.items():
                if listing.get(key) != size:
                    problems.append(f"kept job {job_id} lost its object {key}")
        for key, size in self.protected.items():
            if listing.get(key) != size:
                problems.append(f"protected object {key} was deleted")
        if after_completion:
            for job_id in self.expired:
                if job_id in present:
                    problems.append(f"expired job {job_id} still has a row ({present[job_id]})")
                if metric_counts.get(job_id):
                    problems.append(f"expired job {job_id} still has metrics")
                if f"{self.prefix}uploads/{job_id}_scan.csv" in listing:
                    problems.append(f"expired job {job_id} still has its upload object")
                out = f"{self.prefix}outputs/{job_id}/"
                left = [k for k in listing if k.startswith(out)]
                if left:
                    problems.append(f"expired job {job_id} still has {len(left)} output objects")
            for key in self.orphans:
                if key in listing:
                    problems.append(f"orphan {key} survived")
            deleting = scalar("select count(*) from jobs where status = 'deleting'")
            if deleting:
                problems.append(f"{deleting} rows left in status deleting")
            if scalar("select count(*) from cleanup_lock where run_id is not null"):
                problems.append("the cleanup lock is still held")
        return problems

    def gone_expired(self):
        """How many expired jobs' rows are gone."""
        if not self.expired:
            return 0
        return len(self.expired) - scalar("select count(*) from jobs where id in (%s)" % ",".join(
            f"'{j}'" for j in self.expired))
