"""Where the suite runs: the repository, the jar, scratch and result directories, the PostgreSQL
database, the admin token every process shares, the seed; plus the log line and polling."""
import os
import time
import uuid


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "target", "storekeeper.jar")
CLI_SCRIPT = os.path.join(ROOT, "bin", "cleanup-storage")
WORK = os.path.join(ROOT, "target", "reliability")
RESULTS = os.path.join(ROOT, "reliability", "results")
DB = os.environ.get("RELIABILITY_PG_DB", "storekeeper_rel")
JDBC = f"jdbc:postgresql://127.0.0.1:5432/{DB}"
TOKEN = "reliability-admin-token-" + uuid.uuid4().hex
SEED = int(os.environ.get("RELIABILITY_SEED", "7"))


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def wait_for(predicate, timeout, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
