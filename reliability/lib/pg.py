"""PostgreSQL through psql (SQL on stdin, so id lists of any length fit), and the local cluster
itself for the cases that stop it."""
import csv
import io
import os
import subprocess

from lib.context import DB


def psql(sql, db=DB, check=True, timeout=120):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
         "-At", "-F", "\t", "-q"],
        input=sql, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{sql[:300]}")
    return result.stdout.strip("\n")


def rows(sql):
    out = psql(sql)
    return [line.split("\t") for line in out.splitlines()] if out else []


def scalar(sql):
    return int(psql(sql) or 0)


def copy_in(table, columns, data, db=DB):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(data)
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-c",
         f"\\copy {table} ({', '.join(columns)}) from stdin with (format csv)"],
        input=buffer.getvalue(), text=True, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"copy into {table} failed: {result.stderr.strip()[:500]}")


def reset_schema():
    psql("drop schema if exists public cascade; create schema public;")


def empty_tables():
    psql("""
        delete from cleanup_items; delete from cleanup_runs; delete from metrics; delete from jobs;
        delete from scheduled_tasks where task_name <> 'run_cleanup';
        update cleanup_lock set run_id = null, node = null, acquired_at = null, heartbeat_at = null;
    """)


def pg_cluster():
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1]


def pg_ctl(action):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", action],
                   check=False, capture_output=True, timeout=120)


def pg_up():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"],
                          capture_output=True).returncode == 0
