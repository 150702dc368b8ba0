#!/usr/bin/env python3
"""Open-loop upload load: COUNT small multipart uploads at RATE per second, each on its own
connection and thread, so a slow answer never delays the next request. Prints one header line and
one line of figures: p50, p90, p99 and max latency in ms, and how many requests failed.

    python3 bench/uploads.py URL COUNT RATE [--while-pid PID]

With --while-pid, the figures are those of the requests that started while that process was still
alive (the last column counts them): what the service answered while, say, a cleanup ran.
"""
import http.client
import os
import sys
import threading
import time
import urllib.parse
import uuid


def upload(url, index, results, slot):
    parts = urllib.parse.urlsplit(url)
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="sub-{index:06d}_T1w.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
        "subject,volume,snr\n"
        f"{index},{1000 + index % 97},{20 + index % 13}\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    start = time.perf_counter()
    status = None
    try:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.request(
            "POST",
            parts.path,
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = conn.getresponse()
        response.read()
        status = response.status
        conn.close()
    except OSError as e:
        status = str(e)
    results[slot] = ((time.perf_counter() - start) * 1000, status)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    url, count, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    watch = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--while-pid" else None
    results = [None] * count
    threads = []
    overlapped = 0
    during = [True] * count
    begin = time.perf_counter()
    for i in range(count):
        due = begin + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if watch is not None:
            during[i] = alive(watch)
            overlapped += during[i]
        thread = threading.Thread(target=upload, args=(url, i, results, i))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    measured = [r for r, counted in zip(results, during) if counted] or results
    latencies = sorted(r[0] for r in measured)
    failed = sum(1 for r in measured if r[1] != 201)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(round(p / 100 * len(latencies) + 0.5)) - 1)]

    print("p50_ms p90_ms p99_ms max_ms failed overlapped")
    print(
        f"{pct(50):.1f} {pct(90):.1f} {pct(99):.1f} {latencies[-1]:.1f} {failed} "
        f"{overlapped if watch is not None else '-'}"
    )


if __name__ == "__main__":
    main()
