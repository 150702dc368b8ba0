"""Case 5: hostile filesystem at scale: symbolic links everywhere and awkward names; every link is
removed as an entry, every target stays intact."""
import os
import random
import time
import uuid

from lib.cli import cli_available, cli_until_done
from lib.context import SEED, WORK, wait_for
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import reset_schema, scalar
from lib.results import save
from lib.service import Service, base_env, scheduled_cleanup


def run(args):
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
