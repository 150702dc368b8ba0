"""The service as a real process: its environment, start, readiness, health, stop and SIGKILL."""
import json
import os
import signal
import socket
import subprocess
import time

from lib.context import JAR, JDBC, TOKEN, WORK, wait_for
from lib.pg import psql, rows, scalar
from lib.web import http


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data_dir, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LC_ALL": "C.UTF-8",
        "SPRING_DATASOURCE_URL": JDBC,
        "SPRING_DATASOURCE_USERNAME": "postgres",
        "SPRING_DATASOURCE_PASSWORD": "",
        "DATA_DIR": data_dir,
        "ADMIN_TOKEN": TOKEN,
        "STORAGE_MIN_FREE_MB": "0",
        "CLEANUP_LOCK_LEASE_SECONDS": "5",
        "SERVER_ADDRESS": "127.0.0.1",
        "JAVA_OPTS": "-Xmx384m",
    }
    if "JAVA_HOME" in os.environ:
        env["JAVA_HOME"] = os.environ["JAVA_HOME"]
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def embedded_env(data_dir, **overrides):
    """A default installation: the embedded H2 database in DATA_DIR, a generated admin token."""
    env = base_env(data_dir, **overrides)
    for name in ("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
                 "SPRING_DATASOURCE_PASSWORD", "ADMIN_TOKEN"):
        if name not in overrides:
            env.pop(name)
    return env


class Service:
    """One service process (its own process group: a kill takes its children with it)."""

    def __init__(self, name, env, port=None, umask=None):
        self.name = name
        self.port = port or free_port()
        self.env = dict(env, SERVER_PORT=str(self.port))
        self.log_path = os.path.join(WORK, f"{name}.log")
        self.umask = -1 if umask is None else umask  # -1: the harness's own
        self.proc = None

    def start(self):
        out = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["java", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", JAR], env=self.env,
            cwd=WORK, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            umask=self.umask)
        return self

    def wait_up(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see "
                                   f"{self.log_path}")
            try:
                status, _ = http("GET", self.port, "/health", timeout=2)
                if status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not come up; see {self.log_path}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM, then SIGKILL after timeout; returns how long the process took to stop (None
        when it had to be killed)."""
        if self.proc and self.proc.poll() is None:
            began = time.time()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
                return time.time() - began
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return 0.0

    def health(self, timeout=10):
        """(HTTP status, overall status, {component: status}) of GET /health; status -1 when it
        does not answer within timeout."""
        try:
            status, body = http("GET", self.port, "/health", timeout=timeout)
        except OSError as e:
            return -1, f"no answer: {e}", {}
        try:
            doc = json.loads(body)
        except ValueError:
            return status, body[:80], {}
        components = {k: v.get("status") for k, v in (doc.get("components") or {}).items()}
        return status, doc.get("status"), components

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def migrate(data_dir):
    """Creates the schema: one service start (Flyway), then stop."""
    service = Service("migrate", base_env(data_dir, CLEANUP_ENABLED="false")).start()
    try:
        service.wait_up()
    finally:
        service.stop()


def scheduled_cleanup(service, timeout=300):
    """Makes the service's recurring cleanup due now and waits for that run to finish."""
    before = scalar("select count(*) from cleanup_runs where \"trigger\" = 'schedule'")
    psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")
    wait_for(lambda: scalar("select count(*) from cleanup_runs where \"trigger\" = 'schedule' "
                            "and outcome <> 'running'") > before, timeout, 0.5)
    return rows("""select outcome, coalesce(errors, '') from cleanup_runs
                    where "trigger" = 'schedule' order by started_at desc limit 1""")[0]
