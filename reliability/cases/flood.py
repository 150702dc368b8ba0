"""Case flood (issue 11, section 5): multipart requests that try to spool more than
MAX_UPLOAD_BYTES to DATA_DIR/.spool.

The service runs with MAX_UPLOAD_BYTES = --max-upload-mb. Over raw sockets (so that headers and
body can lie and the answer is read as soon as it comes):
- 51 parts (one small file and 50 small fields): a part too many, 400 expected;
- two file parts of nearly MAX_UPLOAD_BYTES each: one file per upload; 413 when the declared
  length is already over the whole-request cap (nothing read), else 400 at the second part;
- a declared Content-Length of 10 TB, then only the first MiB: refused before the body, 413/507;
- chunked (no Content-Length), one file part of 4 x MAX_UPLOAD_BYTES: 413;
- chunked, --parts parts of nearly MAX_UPLOAD_BYTES each: far beyond the limit in total, 413;
- --concurrent of those at once.
Before its closing boundary every request pauses (--hold seconds) so the spool is measured at
its fullest. A sampler measures the size of DATA_DIR/.spool every 10 ms, and the disk space used
(which other processes on the machine move too).

Figure: peak spool bytes against MAX_UPLOAD_BYTES, per request shape; after the fix of issue 11
no request spools more than MAX_UPLOAD_BYTES plus --allowance-kb.
"""
import os
import select
import socket
import threading
import time
import uuid

from lib.context import TOKEN, WORK, log
from lib.files import fresh_dir
from lib.pg import reset_schema
from lib.results import save
from lib.service import Service, base_env

MIB = 1024 * 1024
CHUNK = 256 * 1024


def options(parser):
    parser.add_argument("--max-upload-mb", type=int, default=4,
                        help="flood: MAX_UPLOAD_BYTES of the service, in MiB")
    parser.add_argument("--parts", type=int, default=40,
                        help="flood: parts of nearly MAX_UPLOAD_BYTES in the many-parts request")
    parser.add_argument("--concurrent", type=int, default=8,
                        help="flood: many-parts requests sent at once")
    parser.add_argument("--hold", type=float, default=1.0,
                        help="flood: seconds each request waits before its closing boundary")
    parser.add_argument("--allowance-kb", type=int, default=1024,
                        help="flood: spool allowed per request beyond MAX_UPLOAD_BYTES")


def run(args):
    data = os.path.join(WORK, "flood-data")
    fresh_dir(data)
    reset_schema()
    limit = args.max_upload_mb * MIB
    env = base_env(data, MAX_UPLOAD_BYTES=str(limit), CLEANUP_ENABLED="false")
    service = Service("flood", env).start().wait_up()
    spool = os.path.join(data, ".spool")
    bound = limit + args.allowance_kb * 1024
    part = limit - 64 * 1024
    shapes = [
        ("51 parts", 1, {400}, lambda: _small_parts(51)),
        ("two file parts", 1, {400, 413}, lambda: _file_parts(2, part)),
        ("Content-Length 10 TB", 1, {413, 507}, lambda: _lying_length(10 ** 13)),
        ("chunked, one part of 4 x the limit", 1, {413}, lambda: _file_parts(1, 4 * limit,
                                                                             chunked=True)),
        (f"chunked, {args.parts} parts", 1, {400, 413},
         lambda: _file_parts(args.parts, part, chunked=True)),
        (f"{args.concurrent} x chunked, {args.parts} parts", args.concurrent, {400, 413},
         lambda: _file_parts(args.parts, part, chunked=True)),
    ]
    results = []
    try:
        for name, count, expected, make in shapes:
            result = _measure(service.port, spool, data, name, count, make, args.hold)
            result["expected"] = sorted(expected)
            result["peak_spool_vs_limit"] = round(result["peak_spool_bytes"] / limit, 2)
            result["bound_bytes"] = count * bound
            problems = []
            if result["peak_spool_bytes"] > count * bound:
                problems.append(f"spooled {result['peak_spool_bytes']:,} bytes, more than "
                                f"{count} x (MAX_UPLOAD_BYTES + allowance) = {count * bound:,}")
            unexpected = {s: n for s, n in result["answers"].items()
                          if not s.isdigit() or int(s) not in expected}
            if unexpected:
                problems.append(f"answers {unexpected}, expected {sorted(expected)}")
            result["problems"] = problems
            results.append(result)
            log(f"flood: {name}: answers {result['answers']} in {result['seconds']} s, peak spool "
                f"{result['peak_spool_bytes'] / MIB:.1f} MiB ({result['peak_spool_vs_limit']} x "
                f"the limit): {'held' if not problems else problems}")
    finally:
        service.stop()
    peak = max(r["peak_spool_bytes"] for r in results)
    save("flood", {
        "status": "ok" if not any(r["problems"] for r in results) else "failed",
        "max_upload_bytes": limit, "allowance_bytes": args.allowance_kb * 1024,
        "requests": sum(r["requests"] for r in results),
        "peak_spool_bytes": peak, "peak_spool_vs_limit": round(peak / limit, 2),
        "shapes_held": sum(1 for r in results if not r["problems"]), "shapes": len(results),
        "per_shape": {r["shape"]: {"answers": r["answers"], "peak_spool_bytes":
                                   r["peak_spool_bytes"], "vs_limit": r["peak_spool_vs_limit"],
                                   "seconds": r["seconds"]} for r in results},
        "details": results})


class Sampler:
    """Peak size of the spool directory and peak disk space used, sampled every 10 ms."""

    def __init__(self, spool, data):
        self.spool, self.data = spool, data
        self.stop = threading.Event()
        self.peak_spool = 0
        self.base_used = self._used()
        self.peak_used = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _used(self):
        s = os.statvfs(self.data)
        return (s.f_blocks - s.f_bfree) * s.f_frsize

    def _spooled(self):
        total = 0
        try:
            with os.scandir(self.spool) as entries:
                for e in entries:
                    try:
                        total += e.stat(follow_symlinks=False).st_size
                    except OSError:
                        pass  # removed while listing
        except OSError:
            pass
        return total

    def _loop(self):
        while not self.stop.is_set():
            self.peak_spool = max(self.peak_spool, self._spooled())
            self.peak_used = max(self.peak_used, self._used() - self.base_used)
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()


def _measure(port, spool, data, name, count, make, hold):
    answers = {}
    began = time.time()
    with Sampler(spool, data) as sampler:
        threads = []
        for _ in range(count):
            head, body, wait = make()
            t = threading.Thread(target=lambda h=head, b=body, w=wait: _record(
                answers, _send(port, h, b, hold, w)))
            threads.append(t)
            t.start()
        for t in threads:
            t.join()
        time.sleep(0.2)
    return {"shape": name, "requests": count, "answers": answers,
            "seconds": round(time.time() - began, 1), "peak_spool_bytes": sampler.peak_spool,
            "peak_disk_used_bytes": sampler.peak_used}


_lock = threading.Lock()


def _record(answers, status):
    with _lock:
        answers[str(status)] = answers.get(str(status), 0) + 1


def _headers(boundary, length=None):
    lines = ["POST /upload HTTP/1.1", "Host: 127.0.0.1",
             f"Content-Type: multipart/form-data; boundary={boundary}",
             f"Authorization: Bearer {TOKEN}", "Connection: close"]
    lines.append(f"Content-Length: {length}" if length is not None
                 else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _part_head(boundary, field, filename=None):
    disposition = f'form-data; name="{field}"' + (f'; filename="{filename}"' if filename else "")
    return (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {'text/csv' if filename else 'text/plain'}\r\n\r\n").encode()


def _small_parts(n):
    boundary = "flood" + uuid.uuid4().hex
    body = _part_head(boundary, "file", "small.csv") + b"a,b\n1,2\n\r\n"
    for i in range(n - 1):
        body += _part_head(boundary, f"field{i}") + b"x\r\n"
    tail = f"--{boundary}--\r\n".encode()
    return _headers(boundary, len(body) + len(tail)), [(body, False), (tail, True)], 60


def _file_parts(n, size, chunked=False):
    """n file parts named "file" of size bytes each, streamed; the closing boundary is marked to
    be held back."""
    boundary = "flood" + uuid.uuid4().hex
    heads = [_part_head(boundary, "file", f"flood-{i}.csv") for i in range(n)]
    tail = f"--{boundary}--\r\n".encode()

    def pieces():
        for head in heads:
            yield head, False
            left = size
            while left > 0:
                step = min(CHUNK, left)
                yield b"a" * step, False
                left -= step
            yield b"\r\n", False
        yield tail, True

    if chunked:
        return _headers(boundary), pieces(), 60
    length = sum(len(h) for h in heads) + n * (size + 2) + len(tail)
    return _headers(boundary, length), pieces(), 60


def _lying_length(declared):
    boundary = "flood" + uuid.uuid4().hex
    first = _part_head(boundary, "file", "huge.csv") + b"a" * MIB
    # the rest never comes: a server that waits for it answers nothing
    return _headers(boundary, declared), [(first, False)], 10


def _send(port, head, pieces, hold, wait):
    """Sends the request, stopping as soon as the server answers, then waits up to `wait` seconds
    for the answer; returns the status code, or what happened instead."""
    chunked = b"Transfer-Encoding: chunked" in head
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        sock.sendall(head)
        for data, last in pieces:
            if _readable(sock):
                return _status(sock)
            if last:
                time.sleep(hold)  # the spool is at its fullest now
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            except OSError:
                return _status(sock)
        if chunked:
            try:
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                return _status(sock)
        else:
            time.sleep(hold)
        return _status(sock, wait)
    finally:
        sock.close()


def _readable(sock):
    return bool(select.select([sock], [], [], 0)[0])


def _status(sock, wait=60):
    sock.settimeout(wait)
    try:
        line = b""
        while b"\r\n" not in line:
            got = sock.recv(4096)
            if not got:
                return "closed without an answer"
            line += got
        return int(line.split(b" ", 2)[1])
    except socket.timeout:
        return f"no answer in {wait} s"
    except (OSError, ValueError, IndexError):
        return "reset"
