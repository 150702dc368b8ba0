"""Each case's figures, one JSON file per case in reliability/results/ (kept in the repository, so
that RELIABILITY.md can be rendered again from results alone); report.py renders them.

A run with --baseline also keeps its result in results/baseline/: what a case found on the code
before the fix it was written for, shown in its own section of RELIABILITY.md.
"""
import json
import os
import subprocess
from datetime import datetime, timezone

from lib.context import RESULTS, ROOT, log

BASELINE = os.path.join(RESULTS, "baseline")
_keep_baseline = False


def keep_as_baseline():
    """From now on every result is also kept in results/baseline/ (the harness's --baseline)."""
    global _keep_baseline
    _keep_baseline = True


def commit():
    """The last commit that changed the code under test (src/, pom.xml), '+changes' when the
    working tree differs from it there: the jar is built from those files."""
    def git(*args):
        result = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    last = git("log", "-1", "--format=%h", "--", "src", "pom.xml")
    if not last:
        return None
    return last + ("+changes" if git("status", "--porcelain", "--", "src", "pom.xml") else "")


def save(case, result):
    result["case"] = case
    result["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result.setdefault("commit", commit())
    for directory in [RESULTS] + ([BASELINE] if _keep_baseline else []):
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{case}.json"), "w") as f:
            json.dump(result, f, indent=2, ensure_ascii=False)
            f.write("\n")
    log(case, "->", json.dumps({k: v for k, v in result.items() if k != "details"},
                               ensure_ascii=False))


def load(case, baseline=False):
    path = os.path.join(BASELINE if baseline else RESULTS, f"{case}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)
