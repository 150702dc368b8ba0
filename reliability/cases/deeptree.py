"""Case deeptree (issue 11, section 3): one directory tree too deep for a recursive walk.

For each depth (--depths, default 2,000 / 20,000 / 100,000 levels, what a processor unpacking a
hostile archive leaves), each placement (--placements: inside the output directory of an expired
job, or as an orphaned output directory) and each entry point (--via: the CLI, POST /cleanup/run)
a fresh service and dataset: the tree plus 20 ordinary expired jobs and 10 jobs to keep. One
cleanup runs (given --run-timeout seconds before it counts as hung), then:
- is the tree gone, did the ordinary expired jobs go, are the kept ones intact;
- does any job stay `deleting`, is the cleanup lock released within its lease (5 s here), is a
  ledger row left `running`;
- did the CLI exit 0 or 1 without a stack trace (the API: answer with a status);
- is /health honest (not plain UP while something is left behind);
- do later runs succeed (a CLI `--orphaned-only --dry-run`, then a full run by the same entry
  point), and how long does the service take to shut down.
--wide N adds one scenario with a tree of N entries (1,000,000 in the issue) under an expired job.

Figure: per depth, the seconds and outcome of each scenario.
"""
import json
import os
import random
import re
import subprocess
import threading
import time
import uuid

from lib.cli import cli_run
from lib.context import SEED, WORK, log, wait_for
from lib.dataset import Dataset
from lib.files import age, fresh_dir, make_deep_tree, make_wide_tree, remove_tree, tree_depth
from lib.pg import reset_schema, scalar
from lib.results import save
from lib.service import Service, base_env
from lib.web import admin

STOCK = os.path.join(WORK, "deeptree-stock")
STACK_TRACE = re.compile(r"^\s+at [\w$.<>]+\(|^Exception in thread|^Caused by: ", re.M)
LEASE_SECONDS = 5


def options(parser):
    parser.add_argument("--depths", default="2000,20000,100000",
                        help="deeptree: comma-separated tree depths")
    parser.add_argument("--placements", default="expired,orphan",
                        help="deeptree: expired (inside an expired job's outputs), orphan")
    parser.add_argument("--via", default="cli,api", help="deeptree: entry points, cli and/or api")
    parser.add_argument("--wide", type=int, default=0,
                        help="deeptree: also one tree of this many entries (0: none)")
    parser.add_argument("--run-timeout", type=float, default=30,
                        help="deeptree: seconds before a cleanup run counts as hung")


def run(args):
    rng = random.Random(SEED + 13)
    scenarios = [(int(d), p, v) for d in args.depths.split(",") if d.strip()
                 for p in args.placements.split(",") for v in args.via.split(",")]
    if args.wide:
        scenarios.append((0, "expired", "cli"))
    results = []
    began = time.time()
    try:
        for depth, placement, via in scenarios:
            result = _scenario(args, rng, depth, placement, via)
            results.append(result)
            log(f"deeptree: {result['tree']} {placement} via {via}: {result['outcome']} in "
                f"{result['seconds']} s; {'held' if result['held'] else 'NOT HELD'} "
                f"{result['problems'][:3]}")
            save("deeptree", _summary(args, results, began, "running"))
    finally:
        # nothing else removes a tree this deep: not even `mvn clean` in target/
        remove_tree(STOCK)
    save("deeptree", _summary(args, results, began,
                              "ok" if all(r["held"] for r in results) else "failed"))


def _summary(args, results, began, status):
    return {
        "status": status, "run_timeout_s": args.run_timeout, "lease_s": LEASE_SECONDS,
        "scenarios": len(results), "scenarios_held": sum(1 for r in results if r["held"]),
        "minutes": round((time.time() - began) / 60, 1),
        "per_depth": {r["tree"] + f" {r['placement']} via {r['via']}":
                      f"{r['outcome']} in {r['seconds']} s" for r in results},
        "details": results}


def _scenario(args, rng, depth, placement, via):
    data = os.path.join(WORK, "deeptree-data")
    fresh_dir(data)
    reset_schema()
    env = base_env(data, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                   CLEANUP_LOCK_LEASE_SECONDS=str(LEASE_SECONDS))
    service = Service("deeptree", env).start().wait_up()
    problems = []
    tree = None
    result = {"tree": f"{depth:,} levels" if depth else f"{args.wide:,} entries wide",
              "depth": depth, "placement": placement, "via": via}
    try:
        d = Dataset(data, rng)
        for _ in range(20):
            d.job("completed", completed_days_ago=rng.randint(31, 400), must_go=True)
        for _ in range(10):
            d.job("completed", completed_days_ago=1)
        victim = None
        if placement == "expired":
            victim = d.job("completed", completed_days_ago=400, must_go=True)
            top = os.path.join(d.outputs, victim)
            tree = os.path.join(top, "unpacked")
        else:
            top = os.path.join(d.outputs, str(uuid.uuid4()))
            tree = top
        built = time.time()
        entries = _plant_deep(tree, depth) if depth else make_wide_tree(tree, args.wide)
        if placement == "orphan":
            age(top, 72)
        d.commit()
        result["entries"] = entries
        result["build_s"] = round(time.time() - built, 1)
        ordinary = [j for j in d.expired if j != victim]

        started = time.time()
        first = _cleanup(service, env, via, args.run_timeout, "first")
        result["seconds"] = round(time.time() - started, 1)
        result["first_run"] = first
        result["health_right_after"] = _health(service)

        # free, or held by a holder that stopped heartbeating (the next run takes it over)
        lock_free = wait_for(lambda: not scalar(
            "select count(*) from cleanup_lock where run_id is not null and heartbeat_at > "
            f"now() - interval '{LEASE_SECONDS} seconds'"), LEASE_SECONDS + 5, 0.25)
        result["lock_released_within_lease"] = lock_free
        result["tree_gone"] = not os.path.lexists(top)
        result["rows_deleting"] = scalar("select count(*) from jobs where status = 'deleting'")
        result["ordinary_expired_left"] = scalar(
            "select count(*) from jobs where id in (%s)" % ",".join(f"'{j}'" for j in ordinary))
        kept_problems = [p for p in d.violations(False) if "kept job" in p or "visible job" in p]
        result["health_after"] = _health(service)

        later = {"orphaned_only_dry_run": _cleanup(service, env, "cli", args.run_timeout,
                                                   "later", ["--orphaned-only", "--dry-run"]),
                 "full_run": _cleanup(service, env, via, args.run_timeout, "later")}
        result["later_runs"] = later
        result["tree_gone_after_later_runs"] = not os.path.lexists(top)
        result["rows_deleting_after_later_runs"] = scalar(
            "select count(*) from jobs where status = 'deleting'")
        # a run that is over but still says so keeps the lock from whoever asks next
        result["ledger_rows_running"] = scalar(
            "select count(*) from cleanup_runs where outcome = 'running'")
        result["health_at_end"] = _health(service)
        result["outcome"] = first["outcome"]

        if not result["tree_gone"]:
            problems.append("the tree survived the run")
        if result["ordinary_expired_left"]:
            problems.append(f"{result['ordinary_expired_left']} ordinary expired jobs left")
        if result["rows_deleting"]:
            problems.append(f"{result['rows_deleting']} rows left deleting")
        if not lock_free:
            problems.append("the lock was still held after the lease")
        if result["ledger_rows_running"]:
            problems.append(f"{result['ledger_rows_running']} ledger rows left running")
        problems += kept_problems[:3]
        problems += [f"first run: {p}" for p in first["problems"]]
        for name, r in later.items():
            if not r["succeeded"]:
                problems.append(f"later {name}: {r['outcome']}")
        left_behind = not result["tree_gone_after_later_runs"] or \
            result["rows_deleting_after_later_runs"]
        for moment in ("health_after", "health_at_end"):
            h = result[moment]
            if h["status"] == -1:
                problems.append(f"{moment}: /health did not answer")
            elif left_behind and h["overall"] == "UP":
                problems.append(f"{moment}: /health says UP while the tree or a job is left")
    except Exception as e:  # a broken scenario must not hide the others
        problems.append(f"harness error: {e!r}")
        result.setdefault("seconds", None)
        result.setdefault("outcome", "harness error")
    finally:
        stopped = service.stop(timeout=35)
        result["shutdown_s"] = None if stopped is None else round(stopped, 1)
        if stopped is None:
            problems.append("the service did not stop within 35 s of SIGTERM (killed)")
        if depth and tree:
            _keep_deep(tree, depth)
    result["problems"] = problems
    result["held"] = not problems
    remove_tree(data)  # at depth 100,000 nothing else can
    return result


def _stock(depth):
    return os.path.join(STOCK, str(depth))


def _plant_deep(tree, depth):
    """Moves a tree of that depth into place, built once per depth: under load, creating and
    removing 100,000 directories takes minutes, a rename none."""
    stock = _stock(depth)
    if tree_depth(stock, depth + 1) != depth:
        remove_tree(stock)
        make_deep_tree(stock, depth)
    os.rename(stock, tree)
    return depth + 1


def _keep_deep(tree, depth):
    """Takes a tree the service left whole back into stock for the next scenario."""
    if os.path.isdir(tree) and not os.path.islink(tree) and tree_depth(tree, depth + 1) == depth:
        os.makedirs(STOCK, exist_ok=True)
        remove_tree(_stock(depth))
        os.rename(tree, _stock(depth))


def _cleanup(service, env, via, timeout, label, cli_args=()):
    """One cleanup run; returns what came of it, never raises for a hung or failed run."""
    r = {"via": via}
    began = time.time()
    if via == "cli":
        out = os.path.join(WORK, f"deeptree-cli-{label}.log")
        try:
            rc = cli_run(list(cli_args), env, out, timeout=timeout)
            with open(out, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            r.update(exit=rc, stack_trace=bool(STACK_TRACE.search(text)),
                     tail=text.strip().splitlines()[-3:])
            r["outcome"] = {0: "succeeded", 1: "partial or failed (exit 1)",
                            3: "already running (exit 3)"}.get(rc, f"exit {rc}")
            r["succeeded"] = rc == 0 and not r["stack_trace"]
            r["problems"] = ([f"exit {rc}"] if rc not in (0, 1) else []) + \
                (["stack trace printed"] if r["stack_trace"] else [])
        except subprocess.TimeoutExpired:  # cli_run killed it
            r.update(exit=None, outcome=f"hung (killed after {timeout:.0f} s)", succeeded=False,
                     problems=["hung"])
    else:
        answer = {}

        def call():
            try:
                answer["status"], answer["body"] = admin(
                    "POST", service.port, "/cleanup/run?wait=true", timeout=timeout)
            except OSError as e:
                answer["error"] = str(e)

        t = threading.Thread(target=call, daemon=True)
        t.start()
        t.join(timeout + 5)
        if "status" in answer:
            status = answer["status"]
            try:
                doc = json.loads(answer["body"])
            except ValueError:
                doc = {}
            outcome = doc.get("outcome") or doc.get("title") or f"HTTP {status}"
            r.update(status=status, outcome=f"{status} {outcome}",
                     errors=(doc.get("errors") or [])[:3] if isinstance(doc.get("errors"), list)
                     else doc.get("detail"))
            r["succeeded"] = status == 200 and doc.get("outcome") == "succeeded"
            r["problems"] = [] if status in (200, 409) else [f"HTTP {status}"]
        else:
            r.update(status=None, outcome=f"hung (no answer in {timeout:.0f} s)", succeeded=False,
                     problems=["hung"], error=answer.get("error"))
    r["seconds"] = round(time.time() - began, 1)
    return r


def _health(service):
    status, overall, components = service.health(timeout=10)
    return {"status": status, "overall": overall, "components": components}
