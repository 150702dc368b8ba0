"""Datasets written straight to the database and the data directory, as the service leaves them."""
import os
import time
import uuid
from datetime import datetime, timedelta, timezone

from lib.pg import copy_in, rows, scalar


def csv_content(rng, rows_count):
    lines = ["subject,volume,thickness"]
    for i in range(rows_count):
        lines.append(f"sub-{i:04d},{rng.uniform(900, 1500):.2f},{rng.uniform(1, 4):.3f}")
    return ("\n".join(lines) + "\n").encode()


def iso(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.%f+00")


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
