"""The operator CLI (bin/cleanup-storage) as real processes, one per run."""
import os
import signal
import subprocess
import time

from lib.context import CLI_SCRIPT, JAR, WORK


def cli_available():
    if not os.path.exists(CLI_SCRIPT):
        return False
    out = subprocess.run(["java", "-jar", JAR, "cleanup", "--help"], capture_output=True,
                         text=True, cwd=WORK)
    return out.returncode == 0


def cli_command(args):
    return [CLI_SCRIPT] + list(args)


def cli_start(args, env, out_path):
    out = open(out_path, "wb")
    return subprocess.Popen(cli_command(args), env=env, cwd=WORK, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)


def cli_run(args, env, out_path, timeout=600):
    proc = cli_start(args, env, out_path)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def cli_until_done(args, env, out_path, attempts=40):
    """Runs the CLI; an exit 3 (a killed run's lock, until its lease passes) is retried."""
    refused = 0
    for _ in range(attempts):
        rc = cli_run(args, env, out_path)
        if rc != 3:
            return rc, refused
        refused += 1
        time.sleep(1)
    raise RuntimeError("cleanup stayed 'already running' for 40 attempts")
