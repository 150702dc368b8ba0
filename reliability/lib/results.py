"""Each case's figures, one JSON file per case; report.py renders them into RELIABILITY.md."""
import json
import os
from datetime import datetime, timezone

from lib.context import RESULTS, log


def save(case, result):
    os.makedirs(RESULTS, exist_ok=True)
    result["case"] = case
    result["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(RESULTS, f"{case}.json"), "w") as f:
        json.dump(result, f, indent=2)
    log(case, "->", json.dumps({k: v for k, v in result.items() if k != "details"}))
