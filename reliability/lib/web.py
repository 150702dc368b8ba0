"""HTTP against a service on 127.0.0.1, standard library only."""
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

from lib.context import TOKEN


def http(method, port, path, body=None, headers=None, timeout=30):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def admin(method, port, path, timeout=120):
    return http(method, port, path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=timeout)


def upload(port, name, content, timeout=30, headers=None):
    boundary = "----reliability" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"{filename_parameter(name)}\r\nContent-Type: text/csv\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return http("POST", port, "/upload", body,
                dict(headers or {}, **{"Content-Type": f"multipart/form-data; boundary={boundary}"}),
                timeout=timeout)


def filename_parameter(name):
    """filename="..." as browsers send it; RFC 5987 filename*= when a quote, backslash, control
    character or non-ASCII character would not survive the quoted form."""
    if all(0x20 <= ord(c) < 0x7f and c not in '"\\' for c in name):
        return f'filename="{name}"'
    return "filename*=UTF-8''" + urllib.parse.quote(name, safe="")


def api_jobs(port):
    """Every job visible through the API, page by page."""
    jobs, skip = [], 0
    while True:
        status, body = http("GET", port, f"/jobs?limit=1000&skip={skip}")
        if status != 200:
            raise RuntimeError(f"GET /jobs answered {status}: {body[:200]}")
        page = json.loads(body)
        jobs.extend(page)
        if len(page) < 1000:
            return jobs
        skip += 1000
