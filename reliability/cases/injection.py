"""Case injection (issue 11, section 2): upload names against a shell template, and what a
processor can see.

Variant "shell": PROCESSOR=command with PROCESSOR_COMMAND="sh -c 'wc -c < {input} >
{output_dir}/count.txt'", the way operators wrap pipelines, and uploads whose names carry shell
syntax: the issue's `x;touch${IFS}INJECTED;#.txt`, backticks, $(...), quotes, newlines, a
backslash, a leading dash or dot, over-long names, plus --names generated ones (seeded). Every
payload would create a file named INJ... in the processor's working directory; afterwards the
data directory and the service's working directory are searched for them.

Variant "env": PROCESSOR_COMMAND="sh -c 'env > {output_dir}/env.txt; ...'" with ADMIN_TOKEN,
API_TOKEN and a database password set: which secrets reach the processor's environment, and
whether the unauthenticated output download publishes them. The processor also copies its
parent's /proc/<pid>/environ: reported on its own, as the environment the service was started
with stays readable to a processor running as the same account.

Figure: uploads, files created by injection, secrets visible to the processor (0 and 0 after
the fix of issue 11).
"""
import json
import os
import random
import re
import time
import uuid

from lib.context import SEED, TOKEN, WORK, log, wait_for
from lib.files import fresh_dir
from lib.pg import reset_schema, rows, scalar
from lib.results import save
from lib.service import Service, base_env
from lib.web import http, upload

SHELL_TEMPLATE = "sh -c 'wc -c < {input} > {output_dir}/count.txt'"
ENV_TEMPLATE = ("sh -c 'env > {output_dir}/env.txt; "
                "tr \"\\0\" \"\\n\" < /proc/$PPID/environ > {output_dir}/parent-environ.txt'")
MARKER = re.compile(r"^INJ(ECTED|\d{4})")

# {m} is the marker file a payload creates when it runs
HANDCRAFTED = [
    "x;touch${IFS}INJECTED;#.txt",  # the reproduction, verbatim
    "a;touch${IFS}{m};#.csv",
    "a;touch${IFS}{m}.csv",
    "a&touch${IFS}{m}&.csv",
    "a`touch${IFS}{m}`.csv",
    "a$(touch${IFS}{m}).csv",
    "$(touch${IFS}{m})",
    "-$(touch${IFS}{m}).csv",
    ".$(touch${IFS}{m}).csv",
    "a;mkdir${IFS}{m};#.csv",
    "a'$(touch${IFS}{m})'.csv",
    'a"$(touch${IFS}{m})".csv',
    "a\n;touch${IFS}{m};#\n.csv",
    "a\ttouch\t{m}.csv",
    "a\\;touch${IFS}{m};#.csv",
    "a|touch${IFS}{m}|.csv",
    "ü名;touch${IFS}{m};#.csv",
    "a;touch${IFS}{m};#" + "x" * 300 + ".csv",
    "x" * 300 + ";touch${IFS}{m};#.csv",
    "a;touch${IFS}{m};#\u202e.csv",
]
WRAPPERS = [";{c};#", ";{c};", "&{c}&", "&{c};#", "$({c})", "`{c}`", "'$({c})'", '"$({c})"',
            "\n{c}\n", "|{c}|", "&&{c};#", "||{c};#", "\\;{c};#", ";{c}&", "$(${{IFS}}{c})"]
COMMANDS = ["touch${{IFS}}{m}", "mkdir${{IFS}}{m}", "touch${{IFS}}./{m}", "touch$IFS'{m}'",
            ">{m}", "eval${{IFS}}touch${{IFS}}{m}"]
PREFIXES = ["", "a", "scan 1", "-", "--", ".", "..", "ü", "名前", "x" * 220, "\u202e", "a/b",
            "C:\\\\dir\\\\", "%2e%2e"]
SUFFIXES = ["", ".csv", ".txt", "#", " .csv", ".tar.gz", "\x00.csv", "\r\n.csv"]


def options(parser):
    parser.add_argument("--names", type=int, default=300,
                        help="injection: generated hostile upload names (besides 20 handcrafted)")


def run(args):
    rng = random.Random(SEED + 11)
    names = _names(rng, args.names)
    shell = _variant_shell(names)
    env = _variant_env()
    injected = shell["files_created_by_injection"]
    secrets = env["secrets_visible_to_the_processor"]
    save("injection", {
        "status": "ok" if injected == 0 and secrets == 0 else "failed",
        "uploads": shell["uploads"] + env["uploads"],
        "files_created_by_injection": injected,
        "secrets_visible_to_the_processor": secrets,
        "shell": {k: v for k, v in shell.items() if k != "details"},
        "env": {k: v for k, v in env.items() if k != "details"},
        "details": {"shell": shell["details"], "env": env["details"]}})


def _names(rng, generated):
    names = []
    for i, template in enumerate(HANDCRAFTED):
        names.append((template.replace("{m}", f"INJ{i:04d}"), f"INJ{i:04d}"))
    names[0] = (HANDCRAFTED[0], "INJECTED")
    for i in range(len(HANDCRAFTED), len(HANDCRAFTED) + generated):
        marker = f"INJ{i:04d}"
        command = rng.choice(COMMANDS).format(m=marker)
        name = rng.choice(PREFIXES) + rng.choice(WRAPPERS).format(c=command) + rng.choice(SUFFIXES)
        names.append((name, marker))
    return names


def _service(name, data, template, **extra):
    fresh_dir(data)
    reset_schema()
    env = base_env(data, PROCESSOR="command", PROCESSOR_COMMAND=template, CLEANUP_ENABLED="false",
                   MAX_CONCURRENT_JOBS="2", **extra)
    return Service(name, env).start().wait_up()


def _upload_all(service, names, content):
    """Uploads each (name, marker); returns ({job id: (name, marker)}, {status: count})."""
    jobs, statuses = {}, {}
    auth = {"Authorization": f"Bearer {TOKEN}"}  # accepted on job endpoints before and after
    for name, marker in names:
        status, body = upload(service.port, name, content, headers=auth)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 201:
            jobs[json.loads(body)["id"]] = (name, marker)
    return jobs, statuses


def _wait_processed(timeout=300):
    return wait_for(lambda: not scalar(
        "select count(*) from jobs where status in ('pending', 'running')"), timeout, 0.5)


def _job_statuses():
    counts = {}
    for status, n in rows("select status, count(*) from jobs group by status"):
        counts[status] = int(n)
    return counts


def _variant_shell(names):
    data = os.path.join(WORK, "injection-data")
    service = _service("injection-shell", data, SHELL_TEMPLATE)
    try:
        began = time.time()
        jobs, statuses = _upload_all(service, names, b"a,b\n1,2\n")
        processed = _wait_processed()
        seconds = round(time.time() - began, 1)
        created = _markers(data) + _markers(WORK, recursive=False)
        by_marker = {marker: name for name, marker in names}
        fired = sorted({m for m, _ in created})
        log(f"injection: {len(jobs)} hostile names uploaded, {len(created)} files created by "
            f"injection")
        return {
            "template": SHELL_TEMPLATE, "uploads": len(names), "answers": statuses,
            "all_processed": processed, "seconds": seconds, "job_statuses": _job_statuses(),
            "files_created_by_injection": len(created),
            "payloads_that_ran": len(fired), "issue_example_ran": "INJECTED" in fired,
            "details": {
                "created": [f"{path} (by {by_marker.get(m, '?')!r})" for m, path in created][:40],
                "names_tried": [n for n, _ in names][:40]}}
    finally:
        service.stop()


def _markers(top, recursive=True):
    found = []
    if not os.path.isdir(top):
        return found
    if recursive:
        for parent, dirs, files in os.walk(top):
            for n in dirs + files:
                m = MARKER.match(n)
                if m:
                    found.append((n[:7] if m.group(1) != "ECTED" else "INJECTED",
                                  os.path.relpath(os.path.join(parent, n), top)))
    else:
        for n in os.listdir(top):
            m = MARKER.match(n)
            if m:
                found.append((n[:7] if m.group(1) != "ECTED" else "INJECTED", n))
    return found


def _variant_env():
    data = os.path.join(WORK, "injection-env-data")
    secrets = {"ADMIN_TOKEN": TOKEN,
               "API_TOKEN": "reliability-api-token-" + uuid.uuid4().hex,
               "SPRING_DATASOURCE_PASSWORD": "reliability-db-password-" + uuid.uuid4().hex}
    # PostgreSQL on 127.0.0.1 trusts the harness: any password connects, so one can be set
    service = _service("injection-env", data, ENV_TEMPLATE,
                       API_TOKEN=secrets["API_TOKEN"],
                       SPRING_DATASOURCE_PASSWORD=secrets["SPRING_DATASOURCE_PASSWORD"])
    try:
        jobs, statuses = _upload_all(service, [(f"env-{i}.csv", None) for i in range(3)],
                                     b"a,b\n1,2\n")
        _wait_processed()
        seen, in_parent, published, variables = set(), set(), set(), set()
        downloads = {}
        for job_id in jobs:
            out = os.path.join(data, "outputs", job_id)
            env_text = _read(os.path.join(out, "env.txt"))
            parent_text = _read(os.path.join(out, "parent-environ.txt"))
            variables |= {line.split("=", 1)[0] for line in env_text.splitlines() if "=" in line}
            for name, value in secrets.items():
                if value in env_text:
                    seen.add(name)
                if value in parent_text:
                    in_parent.add(name)
            # no Authorization header: what anyone who can reach the port gets
            status, body = http("GET", service.port, f"/jobs/{job_id}/outputs/env.txt")
            downloads[status] = downloads.get(status, 0) + 1
            if status == 200:
                published |= {name for name, value in secrets.items() if value in body}
        secret_like = sorted(v for v in variables
                             if re.search(r"TOKEN|PASSWORD|SECRET|KEY|CREDENTIAL", v))
        log(f"injection: processor environment holds {sorted(seen)}; published {sorted(published)}")
        return {
            "template": ENV_TEMPLATE, "uploads": sum(statuses.values()), "answers": statuses,
            "job_statuses": _job_statuses(),
            "secrets_visible_to_the_processor": len(seen),
            "secrets_in_the_processor_environment": sorted(seen),
            "secrets_published_by_anonymous_download": sorted(published),
            "anonymous_download_answers": downloads,
            "secrets_readable_from_the_service_process_environ": sorted(in_parent),
            "details": {"variables": sorted(variables), "secret_like_variables": secret_like}}
    finally:
        service.stop()


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""
