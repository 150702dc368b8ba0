"""Deterministic reproduction of what the s3race case found: an orphan sweep aborts a live upload's
multipart upload while the service streams it to the bucket, and the upload is refused.

One service on S3Proxy (`STORAGE_BACKEND=s3`, `ORPHAN_GRACE_HOURS` as given, default 0), its
S3_ENDPOINT a byte-for-byte TCP relay to S3Proxy that holds back the service's
CompleteMultipartUpload request (`POST /{bucket}/{key}?uploadId=...`) of a 20 MiB upload (above the
8 MiB part: a multipart upload); while it is held, `POST /cleanup/run?orphaned_only=true&wait=true`
runs; then the request goes on. Prints the multipart uploads in the bucket before and after the
sweep, the upload's answer, and whether a job row and an object exist. The relay changes no byte
(the requests' signatures stay valid); it only chooses the moment, which in the s3race case is
chance (1 of 9 large uploads refused in its first run, 0 of 13 in its second).

    RELIABILITY_PG_DB=... python3 reliability/repro_multipart_abort.py [grace hours]

Exit 0 when the upload was accepted and its object is there (no defect), 1 otherwise.
"""
import os
import socket
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.context import WORK  # noqa: E402
from lib.files import fresh_dir  # noqa: E402
from lib.pg import reset_schema, rows  # noqa: E402
from lib.s3 import S3Proxy  # noqa: E402
from lib.s3jobs import BUCKET, PREFIX, node_env  # noqa: E402
from lib.service import Service, free_port  # noqa: E402
from lib.web import admin, upload  # noqa: E402


class HoldingRelay:
    """127.0.0.1:port -> S3Proxy, byte for byte; a client chunk that starts a CompleteMultipartUpload
    request waits until release() (once armed)."""

    def __init__(self, target_port):
        self.port = free_port()
        self.target = target_port
        self.armed = threading.Event()
        self.held = threading.Event()
        self.go = threading.Event()
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src, dst, from_client):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client and self.armed.is_set() and data.startswith(b"POST /") and \
                        b"uploadId=" in data.split(b"\r\n", 1)[0]:
                    self.held.set()
                    self.go.wait(120)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def main():
    grace = sys.argv[1] if len(sys.argv) > 1 else "0"
    os.makedirs(WORK, exist_ok=True)
    root = fresh_dir(os.path.join(WORK, "repro-multipart"))
    proxy = S3Proxy("repro-multipart").start()
    service = None
    try:
        bucket = proxy.bucket(BUCKET).create()
        reset_schema()
        relay = HoldingRelay(proxy.port)
        env = node_env(proxy, "node", root, ORPHAN_GRACE_HOURS=grace, CLEANUP_ENABLED="false",
                       PROCESSOR="profile", S3_ENDPOINT=f"http://127.0.0.1:{relay.port}")
        service = Service("repro-multipart", env).start().wait_up()
        payload = b"subject,volume\n" + b"sub-000000,1234.56\n" * (20 * 1024 * 1024 // 19)
        answer = {}

        def send():
            answer["upload"] = upload(service.port, "large.csv", payload, timeout=120)

        relay.armed.set()
        sender = threading.Thread(target=send)
        sender.start()
        if not relay.held.wait(120):
            print("the service never completed a multipart upload (no multipart?)")
        before = bucket.multipart_uploads(PREFIX)
        print("multipart uploads in flight before the sweep:", before)
        status, swept = admin("POST", service.port, "/cleanup/run?orphaned_only=true&wait=true")
        print("sweep:", status, swept[:200])
        print("multipart uploads after the sweep:", bucket.multipart_uploads(PREFIX))
        relay.go.set()
        sender.join(150)
        status_code, answer_body = answer.get("upload", (None, "no answer"))
        print("upload answered:", status_code, answer_body[:400])
        jobs = rows("select id, status, file_path from jobs")
        print("job rows:", jobs)
        objects = bucket.list(PREFIX + "uploads/")
        print("upload objects:", {k: v for k, v in objects.items()})
        accepted = status_code == 201 and objects
        print("no defect: the upload survived the sweep" if accepted else
              "DEFECT: the sweep aborted a live upload's multipart upload; the upload was refused")
        sys.exit(0 if accepted else 1)
    finally:
        if service:
            service.stop()
        proxy.stop()


if __name__ == "__main__":
    main()
