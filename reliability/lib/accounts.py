"""Running a command as another local account: the harness runs as root, an attacker does not."""
import os
import shutil
import subprocess

UNPRIVILEGED = "nobody"


def can_switch():
    """Why commands cannot be run as the unprivileged account, or None when they can."""
    if os.geteuid() != 0:
        return "the harness must run as root to switch to the account 'nobody'"
    if not shutil.which("runuser") and not shutil.which("setpriv"):
        return "neither runuser nor setpriv is installed"
    return None


def as_unprivileged(argv, stdin=None, timeout=120):
    """Runs argv as `nobody` with a minimal environment; returns the CompletedProcess."""
    env = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=/nonexistent", "LC_ALL=C.UTF-8"]
    if shutil.which("runuser"):
        prefix = ["runuser", "-u", UNPRIVILEGED, "--"]
    else:
        prefix = ["setpriv", "--reuid", UNPRIVILEGED, "--regid", "nogroup", "--clear-groups"]
    return subprocess.run(prefix + env + list(argv), input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd="/")
