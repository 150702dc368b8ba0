"""Case localaccount (issue 11, section 1): another local account against a default installation.

The service runs as root on the embedded default (H2 in a scratch DATA_DIR, no
SPRING_DATASOURCE_URL, no ADMIN_TOKEN, umask 022) and processes one job. Then, as `nobody`:
every path under DATA_DIR is listed or read, and a JDBC client with only the H2 jar connects to
the AUTO_SERVER port. The port and key are read from db.lock.db as root and handed to the client:
even an attacker who learns them must be refused. The client tries no credentials, a wrong
password and the old empty default; if any connection succeeds it tries FILE_READ of the admin
token, CSVWRITE, and CREATE ALIAS (a JDK method, and code compiled from source).

Figure: attempts and successes; after the fix of issue 11 there are none.
"""
import ipaddress
import json
import os
import random
import shutil
import stat
import time
import zipfile

from lib.accounts import UNPRIVILEGED, as_unprivileged, can_switch
from lib.context import JAR, ROOT, WORK, log, wait_for
from lib.dataset import csv_content
from lib.files import fresh_dir
from lib.results import save
from lib.service import Service, embedded_env
from lib.web import http, upload

ABSENT = "<absent>"

# Runs as `nobody`: reads the paths on stdin (one per line, as root listed them) and prints
# "<ok|refused>\t<kind>\t<path>\t<detail>" for each.
PATH_PROBE = r"""
import os, sys
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            kind = "list"
            detail = f"{len(os.listdir(path))} entries"
        else:
            kind = "read"
            with open(path, "rb") as f:
                detail = f"{len(f.read(64))} bytes read"
        ok = "ok"
    except OSError as e:
        ok, detail = "refused", e.strerror or str(e)
    print(f"{ok}\t{kind}\t{path}\t{detail}")
"""


def run(args):
    why = can_switch()
    if why:
        return save("localaccount", {"status": "skipped", "why": why})
    base = fresh_dir(os.path.join(WORK, "localaccount"))
    os.chmod(base, 0o755)  # like /var/lib/storekeeper: other accounts may pass through
    data = os.path.join(base, "data")  # created by the service itself, under its umask
    client = os.path.join(base, "client")
    os.makedirs(client)
    os.chmod(client, 0o755)
    reachable = _probe_paths([base])
    if not reachable or reachable[0]["result"] != "ok":
        return save("localaccount", {
            "status": "error",
            "why": f"{UNPRIVILEGED} cannot list {base} itself: the case would prove nothing "
                   f"({reachable})"})
    service = Service("localaccount", embedded_env(data, CLEANUP_ENABLED="false"),
                      umask=0o022).start()
    try:
        service.wait_up()
        _attack(args, service, data, client)
    finally:
        service.stop()


def _attack(args, service, data, client):
    job_id = _process_one_job(service)
    token_file = os.path.join(data, "admin-token")
    with open(token_file) as f:
        token = f.read().strip()
    lock = _lock_properties(os.path.join(data, "db.lock.db"))
    server, key = lock.get("server"), lock.get("id")
    log(f"localaccount: job {job_id} processed; H2 server {server}, lock file "
        f"{'has' if key else 'has no'} key")

    paths = _all_paths(data)
    modes = {os.path.relpath(p, data): stat.filemode(os.lstat(p).st_mode) for p in paths}
    path_results = _probe_paths(paths)
    readable = [r for r in path_results if r["result"] == "ok"]

    jdbc = _probe_jdbc(client, data, server, key, token_file, token)
    connections = [r for r in jdbc if r["action"] == "connect"]
    follow_ups = [r for r in jdbc if r["action"] != "connect"]

    attempts = len(path_results) + len(jdbc)
    successes = len(readable) + sum(1 for r in jdbc if r["result"] == "ok")
    save("localaccount", {
        "status": "ok" if successes == 0 else "failed",
        "account": UNPRIVILEGED, "umask": "022", "job_processed": job_id is not None,
        "attempts": attempts, "successes": successes,
        "paths_tried": len(path_results), "paths_readable": len(readable),
        "lock_file_readable": any(r["path"].endswith("db.lock.db") for r in readable),
        "database_file_readable": any(r["path"].endswith(".mv.db") for r in readable),
        "h2_server": server, "h2_listens_on": _listening(server),
        "connections_tried": len(connections),
        "connections_accepted": sum(1 for r in connections if r["result"] == "ok"),
        "follow_ups_tried": len(follow_ups),
        "follow_ups_succeeded": sorted(r["action"] for r in follow_ups if r["result"] == "ok"),
        "details": {
            "readable": [f"{os.path.relpath(r['path'], data)} ({r['kind']}, "
                         f"{modes.get(os.path.relpath(r['path'], data))})" for r in readable],
            "modes": modes,
            "jdbc": [f"{r['label']}: {r['action']} {r['result']}: {r['detail']}" for r in jdbc]}})


def _process_one_job(service):
    status, body = upload(service.port, "local.csv", csv_content(random.Random(11), 50))
    if status != 201:
        raise RuntimeError(f"upload answered {status}: {body[:200]}")
    job_id = json.loads(body)["id"]

    def done():
        code, doc = http("GET", service.port, f"/jobs/{job_id}")
        return code == 200 and '"status":"completed"' in doc.replace(" ", "")

    if not wait_for(done, 120, 0.5):
        raise RuntimeError(f"job {job_id} was not completed within 120 s")
    return job_id


def _lock_properties(path):
    """H2's lock file is a java.util.Properties text: server=host:port, id=<key>, method=file."""
    props = {}
    if not wait_for(lambda: os.path.exists(path), 30, 0.5):
        return props
    with open(path, encoding="latin-1") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                props[k.strip()] = v.strip().replace("\\:", ":")
    return props


def _listening(server):
    """The local addresses the H2 server's port listens on, from /proc/net/tcp{,6}."""
    if not server or ":" not in server:
        return []
    port = int(server.rsplit(":", 1)[1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    local, state = line.split()[1], line.split()[3]
                    address, hex_port = local.rsplit(":", 1)
                    if state == "0A" and int(hex_port, 16) == port:
                        found.append(_address(address))
        except OSError:
            pass
    return found


def _address(hex_address):
    """/proc/net/tcp{,6} print addresses as 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hex_address)
    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw))
    address = ipaddress.IPv6Address(raw)
    return f"{address.ipv4_mapped} (IPv4-mapped)" if address.ipv4_mapped else str(address)


def _all_paths(top):
    paths = [top]
    for parent, dirs, files in os.walk(top):
        paths += [os.path.join(parent, n) for n in sorted(dirs) + sorted(files)]
    return paths


def _probe_paths(paths):
    result = as_unprivileged(["python3", "-I", "-c", PATH_PROBE], stdin="\n".join(paths))
    if result.returncode != 0:
        raise RuntimeError(f"path probe as {UNPRIVILEGED} failed: {result.stderr[-500:]}")
    out = []
    for line in result.stdout.splitlines():
        ok, kind, path, detail = line.split("\t", 3)
        out.append({"result": ok, "kind": kind, "path": path, "detail": detail})
    return out


def _probe_jdbc(client, data, server, key, token_file, token):
    """Connects as the unprivileged account; returns one dict per attempt."""
    h2 = os.path.join(client, "h2.jar")
    with zipfile.ZipFile(JAR) as jar:
        name = next(n for n in jar.namelist() if os.path.basename(n).startswith("h2-")
                    and n.endswith(".jar"))
        with jar.open(name) as src, open(h2, "wb") as dst:
            shutil.copyfileobj(src, dst)
    probe = os.path.join(client, "H2Probe.java")
    shutil.copy(os.path.join(ROOT, "reliability", "cases", "H2Probe.java"), probe)
    for p in (h2, probe):
        os.chmod(p, 0o644)
    written = os.path.join(client, "written-by-the-database.csv")
    attempts = []
    if server and key:
        tcp = f"jdbc:h2:tcp://{server}/{key}"
        attempts += [["no credentials", tcp, ABSENT, ABSENT],
                     ["wrong password", tcp, "", "not-the-password"],
                     ["user sa, empty password", tcp, "sa", ""],
                     ["empty default (user '' and '')", tcp, "", ""]]
    # what an attacker without root's help does: read the address and key from the lock file
    attempts.append(["own reading of the lock file, empty default",
                     f"lockfile:{data}/db.lock.db", "", ""])
    argv = ["java", "-cp", h2, probe, token_file, written] + [a for group in attempts for a in group]
    began = time.time()
    result = as_unprivileged(argv, timeout=300)
    log(f"localaccount: JDBC probe as {UNPRIVILEGED} took {time.time() - began:.1f} s")
    out = []
    for line in result.stdout.splitlines():
        parts = line.split("\t", 3)
        if len(parts) == 4:
            label, action, ok, detail = parts
            out.append({"label": label, "action": action, "result": ok,
                        "detail": detail.replace(token, "<the admin token>")})
    if not out:
        raise RuntimeError(f"the JDBC probe printed nothing (exit {result.returncode}): "
                           f"{result.stderr[-800:]}")
    for r in out:
        if r["action"] == "file_read" and r["result"] == "ok" and "<the admin token>" not in r["detail"]:
            r["detail"] += " (not the admin token)"
    return out
