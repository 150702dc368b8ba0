#!/usr/bin/env python3
"""The heavy reliability suite. Run it through reliability/run.sh (see README.md, "Reliability suite").

Every case drives real processes (the service jar, the cleanup CLI) against the local PostgreSQL,
tries to make Storekeeper lose data, delete what it must keep or leak storage, and writes its
figures to reliability/results/<case>.json. RELIABILITY.md at the repository root is
rendered from those files alone (cases not run this time keep their last result).

This file only dispatches: each case is a module of cases/ with run(args), over the small shared
library in lib/. Standard library only; psql for SQL.
"""
import argparse
import importlib
import os
import signal
import subprocess
import sys

from lib.context import ROOT, WORK, log
from lib.results import keep_as_baseline, save

# "all" runs them in this order
CASES = ["crash", "race", "concurrent", "nodes", "hostile", "dbtrouble", "localaccount",
         "injection", "deeptree", "flood", "apply", "capacity", "capacitycrash", "importcrash",
         "s3nodes", "s3race", "s3crash"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", default="all", choices=CASES + ["all", "report"])
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
    parser.add_argument("--baseline", action="store_true",
                        help="also keep the results in reliability/results/baseline/: what the"
                             " cases found before the fix they were written for")
    modules = {name: importlib.import_module(f"cases.{name}") for name in CASES}
    for module in modules.values():
        if hasattr(module, "options"):
            module.options(parser)
    args = parser.parse_args()
    if args.baseline:
        keep_as_baseline()
    os.makedirs(WORK, exist_ok=True)
    # a terminated harness still runs its finally blocks: services stopped, PostgreSQL started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.case != "report":
        for name in (CASES if args.case == "all" else [args.case]):
            log(f"=== {name}")
            try:
                modules[name].run(args)
            except Exception as e:  # one broken case must not hide the others' results
                save(name if name != "crash" or not args.service else "crash-service",
                     {"status": "error", "why": repr(e)})
    subprocess.run([sys.executable, os.path.join(ROOT, "reliability", "report.py")], check=True)
    # a case that sets `failed` (importcrash) makes the run exit non-zero, after the report
    ran = CASES if args.case == "all" else [] if args.case == "report" else [args.case]
    if any(getattr(modules[name], "failed", False) for name in ran):
        sys.exit(1)


if __name__ == "__main__":
    main()
