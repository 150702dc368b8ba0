"""Deterministic reproduction of what the s3race case found: an orphan sweep aborts a live upload's
multipart upload while it streams, and the upload is refused.

One service on S3Proxy (`STORAGE_BACKEND=s3`, `ORPHAN_GRACE_HOURS` as given, default 0). A raw
socket sends a 20 MiB upload in two halves: the first half (above the store's 8 MiB part, so the
service has begun a multipart upload and put a part), then waits, runs `POST
/cleanup/run?orphaned_only=true&wait=true`, and sends the rest. Prints the multipart uploads in the
bucket before and after the sweep, the upload's answer, and whether a job row and an object exist.

    RELIABILITY_PG_DB=... python3 reliability/repro_multipart_abort.py [grace hours]

Exit 0 when the upload was accepted and its object is there (no defect), 1 otherwise.
"""
import os
import socket
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.context import WORK  # noqa: E402
from lib.files import fresh_dir  # noqa: E402
from lib.pg import reset_schema, rows  # noqa: E402
from lib.s3 import S3Proxy  # noqa: E402
from lib.s3jobs import BUCKET, PREFIX, node_env  # noqa: E402
from lib.service import Service  # noqa: E402
from lib.web import admin  # noqa: E402


def main():
    grace = sys.argv[1] if len(sys.argv) > 1 else "0"
    os.makedirs(WORK, exist_ok=True)
    root = fresh_dir(os.path.join(WORK, "repro-multipart"))
    proxy = S3Proxy("repro-multipart").start()
    service = None
    try:
        bucket = proxy.bucket(BUCKET).create()
        reset_schema()
        service = Service("repro-multipart", node_env(
            proxy, "node", root, ORPHAN_GRACE_HOURS=grace, CLEANUP_ENABLED="false",
            PROCESSOR="profile")).start().wait_up()
        boundary = "----repro" + uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"large.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        payload = b"subject,volume\n" + b"sub-000000,1234.56\n" * (20 * 1024 * 1024 // 19)
        tail = f"\r\n--{boundary}--\r\n".encode()
        body = head + payload + tail
        half = len(head) + 10 * 1024 * 1024
        s = socket.create_connection(("127.0.0.1", service.port), timeout=120)
        s.sendall((f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{service.port}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode())
        s.sendall(body[:half])
        # wait until the service has begun its multipart upload in the bucket
        before = []
        for _ in range(100):
            before = bucket.multipart_uploads(PREFIX)
            if before:
                break
            time.sleep(0.1)
        print("multipart uploads in flight before the sweep:", before)
        status, answer = admin("POST", service.port, "/cleanup/run?orphaned_only=true&wait=true")
        print("sweep:", status, answer[:300])
        print("multipart uploads after the sweep:", bucket.multipart_uploads(PREFIX))
        s.sendall(body[half:])
        response = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            response += chunk
        s.close()
        status_line = response.split(b"\r\n", 1)[0].decode()
        answer_body = response.split(b"\r\n\r\n", 1)[-1].decode("utf-8", "replace")
        print("upload answered:", status_line, answer_body[:400])
        jobs = rows("select id, status, file_path from jobs")
        print("job rows:", jobs)
        objects = bucket.list(PREFIX + "uploads/")
        print("upload objects:", {k: v for k, v in objects.items()})
        accepted = status_line.split()[1] == "201" and objects
        print("no defect: the upload survived the sweep" if accepted else
              "DEFECT: the sweep aborted a live upload's multipart upload; the upload was refused")
        sys.exit(0 if accepted else 1)
    finally:
        if service:
            service.stop()
        proxy.stop()


if __name__ == "__main__":
    main()
