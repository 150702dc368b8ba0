"""Evidence that the S3 cases' checks can fail, and pass only on a right end state. Needs no service:
S3Proxy, the database and the checks alone (reliability/run.sh builds the S3Proxy jar's copy; or
`mvn -B process-test-resources`):

    RELIABILITY_PG_DB=... python3 reliability/selfcheck_s3.py

1. A fresh S3 dataset: no violation at a kill (nothing deleted yet), but the completion rules
   report every expired job and orphan (nothing was cleaned).
2. The harness deletes, through the S3 API and SQL, exactly what a cleanup must delete: no
   violation at all.
3. Broken on purpose, one thing each: a kept job's output object deleted, a visible job's upload
   deleted, an upload's bytes changed, a young orphan and a foreign key deleted, an orphan put back,
   an expired job's output object put back, a row left `deleting`, the lock left held, a stray
   object of no job, a completed job's listed output missing. Every one must be reported.
Exit 0 when every expectation held.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.context import WORK  # noqa: E402
from lib.files import fresh_dir  # noqa: E402
from lib.pg import psql, reset_schema  # noqa: E402
from lib.s3 import S3Proxy  # noqa: E402
from lib.s3jobs import (BUCKET, PREFIX, S3Dataset, job_object_problems, jobs_rows,  # noqa: E402
                        stray_objects)
from lib.service import migrate  # noqa: E402

failures = []


def expect(what, problems, needle):
    hit = [p for p in problems if needle in p]
    ok = bool(hit) if needle else not problems
    print(("ok   " if ok else "FAIL ") + what + ": " + (hit[0] if hit else str(problems[:2])))
    if not ok:
        failures.append(what)


def main():
    os.makedirs(WORK, exist_ok=True)
    rng = random.Random(5)
    proxy = S3Proxy("selfcheck-s3").start()
    try:
        bucket = proxy.bucket(BUCKET).create()
        expect("planted objects are objects to S3", bucket.check_planting(), None)
        reset_schema()
        migrate(fresh_dir(os.path.join(WORK, "selfcheck-s3-migrate")))
        d = S3Dataset.standard(bucket, rng, expired=40, kept=20, orphans=12, young=4, foreign=8)
        expect("fresh dataset, rules at a kill", d.violations(False), None)
        expect("fresh dataset, completion rules: expired rows", d.violations(True),
               "still has a row")
        expect("fresh dataset, completion rules: orphans", d.violations(True), "survived")

        # what a right cleanup does, done by hand through the S3 API and SQL
        ids = ",".join(f"'{j}'" for j in d.expired)
        psql(f"delete from metrics where job_id in ({ids}); delete from jobs where id in ({ids})")
        listing = bucket.list("")
        for key in listing:
            rest = key[len(PREFIX):] if key.startswith(PREFIX) else ""
            job = (rest[len("uploads/"):].split("_", 1)[0] if rest.startswith("uploads/") else
                   rest[len("outputs/"):].split("/", 1)[0] if rest.startswith("outputs/") else None)
            if job in d.expired or key in d.orphans:
                bucket.delete(key)
        expect("cleaned by hand: no violation", d.violations(True), None)
        expect("cleaned by hand: no stray object", [k for k in stray_objects(bucket.list(PREFIX))
                                                    if k not in d.protected], None)

        kept = [j for j, (s, _, _) in d.kept.items() if s == "completed"]
        a, b, c = kept[0], kept[1], kept[2]
        objects_a = d.kept[a][2]
        out_a = next(k for k in objects_a if "/outputs/" in "/" + k and k.endswith("slice.png"))
        bucket.delete(out_a)
        expect("a kept job's output object deleted", d.violations(False), "lost its object")
        bucket.put(out_a, b"\x89PNG" * 3)
        expect("a kept job's output object with other bytes", d.violations(False),
               "output object")
        upload_b = next(k for k in d.kept[b][2] if "/uploads/" in "/" + k)
        bucket.delete(upload_b)
        expect("a visible job's upload deleted", d.violations(False), "upload object")
        bucket.put(upload_b, b"x")
        expect("a visible job's upload with other bytes", d.violations(False),
               f"upload {upload_b} has 1 bytes")
        young = next(iter(d.protected))
        bucket.delete(young)
        expect("a protected object deleted", d.violations(False), "protected object")
        bucket.put(d.orphans[0], b"back")
        expect("an orphan put back", d.violations(True), "survived")
        bucket.put(f"{PREFIX}outputs/{d.expired[0]}/results.json", b"{}")
        expect("an expired job's output object put back", d.violations(True),
               "still has 1 output objects")
        psql(f"update jobs set status = 'deleting' where id = '{c}'")
        expect("a row left deleting", d.violations(True), "rows left in status deleting")
        psql("update cleanup_lock set run_id = gen_random_uuid(), node = 'x', "
             "acquired_at = now(), heartbeat_at = now()")
        expect("the lock left held", d.violations(True), "the cleanup lock is still held")
        stray = f"{PREFIX}uploads/{'0' * 8}-0000-4000-8000-{'0' * 12}_stray.csv"
        bucket.put(stray, b"s")
        expect("a stray object of no job", stray_objects(bucket.list(PREFIX)), "_stray.csv")
        row = [r for r in jobs_rows(f"id = '{c}'")][0]
        row[4] = json.dumps([["results.json", 12], ["missing.csv", 3]])
        expect("a listed output object missing",
               job_object_problems([row], bucket.list(PREFIX), PREFIX, check_outputs_of={c}),
               "missing.csv")
    finally:
        proxy.stop()
    print(f"{'all expectations held' if not failures else 'FAILED: ' + ', '.join(failures)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
