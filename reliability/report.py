#!/usr/bin/env python3
"""Writes RELIABILITY.md from reliability/results/*.json (and results/baseline/) and
reliability/defects.md: from results alone, so that any checkout renders the same document."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib.results import load  # noqa: E402 (the library lives next to this script)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER = ["crash", "crash-service", "race", "concurrent", "nodes", "hostile", "dbtrouble",
         "localaccount", "injection", "deeptree", "flood", "apply", "capacity", "capacitycrash",
         "importcrash", "s3nodes", "s3race", "s3crash"]
MIB = 1024 * 1024


def crash(r):
    return (f"{r['kills_tried']} SIGKILLs of a full cleanup ({r['trigger']}) at seeded random"
            f" moments (seed {r['seed']}), each on a fresh dataset of"
            f" {r['expired_jobs_per_dataset']:,} expired jobs, {r['kept_jobs_per_dataset']:,} jobs"
            f" to keep, {r['orphans_per_dataset']:,} orphans, 100 orphans inside the grace window"
            " and 20 foreign files; then cleanup to completion ('already running' retried while"
            f" the 5 s lease runs). Kills landed before any deletion {r['kills_before_any_deletion']}"
            f" times, mid-deletion {r['kills_mid_deletion']}, after all jobs were deleted (orphan"
            f" sweep) {r['kills_after_all_jobs_deleted']}",
            f"**{r['kills_survived']}/{r['kills_tried']} kills survived** (target"
            f" {r.get('kills_target', r['kills_tried'])}): after every kill no job"
            " visible through the API points at a missing file; after every completion run all"
            " expired jobs and orphans are gone, every kept job has row, metrics, upload and"
            f" outputs, no row left `deleting`, lock free. {r['already_running_retries']}"
            " 'already running' answers while a killed run's lease ran")


def race(r):
    runs = ", ".join(f"{v} {k}" for k, v in sorted(r["cleanup_runs"].items()))
    return (f"{r['seconds']} s of uploads (2 clients, ~4/s each) with `PROCESSOR=profile`,"
            f" `ORPHAN_GRACE_HOURS=0`, 300+300 seeded orphans and {r.get('kept_jobs', 0):,} kept"
            " jobs with files; orphan sweeps from the schedule"
            f" (every ~1 s), the CLI and the API in loops: {runs} runs",
            f"**{r['uploads']} uploads, {r['uploads_during_cleanup']} of them while a cleanup ran;"
            f" {r['files_lost']} files lost**; {r['jobs_checked']} jobs checked through the API"
            f" (upload present, outputs present for completed ones); {r['uploads_refused']}"
            f" uploads refused; {r['orphans_removed']} orphans removed,"
            f" {r['seeded_orphans_left']} seeded orphans left")


def concurrent(r):
    k = r["kill_holder"]
    return (f"{r['rounds']} rounds of CLI + `POST /cleanup/run` + the schedule (due now) started"
            " together (each run walks 60,000 entries of `uploads/`, several seconds); then the"
            " CLI holder SIGKILLed",
            f"**exactly one proceeded in {r['rounds_exactly_one']}/{r['rounds']} rounds**, the"
            f" others answered exit 3 / HTTP 409 / schedule skipped; {r['runs_recorded']} runs"
            f" recorded, {r['overlapping_runs']} overlapping in time; after the kill: CLI exit"
            f" {k['cli_right_after']}, API {k['api_right_after']}; a retrying CLI took the lock and finished"
            f" {k['taken_over_after_s']} s after the kill (lease {k['lease_s']} s), exit {k['final_exit']}")


def nodes(r):
    return (f"3 service processes, one PostgreSQL, one DATA_DIR, `CLEANUP_INTERVAL_HOURS=0.005`"
            f" (18 s), `PROCESSOR=command` taking 5 s; {r['jobs']} uploads spread over the nodes;"
            " node 2 SIGKILLed (with its process group) in the middle of a job",
            f"**{r['completed']}/{r['jobs']} completed, {r['processed_more_than_once']} processed"
            f" more than once, {r['attempts_not_1']} with attempts ≠ 1** (other than the"
            f" {r['killed_mid_job']} killed mid-job, {r['killed_jobs_retried_and_completed']} of"
            f" which were retried on another node and completed), {r['stuck']} stuck,"
            f" {r.get('live_executions_found_dead', '?')} executions of live nodes declared dead;"
            f" {r['scheduled_runs']} scheduled cleanups ({r['scheduled_runs_per_node']}),"
            f" {r['overlapping_scheduled_runs']} overlapping, "
            f"{r['scheduled_runs_closer_than_half_an_interval']} closer than half an interval")


def hostile(r):
    kinds = ", ".join(f"{v} {k}" for k, v in r["links_planted"].items())
    return (f"a 1,000-expired-job dataset planted with symbolic links ({kinds}), names with spaces,"
            f" newlines, tabs, 200-byte names, non-UTF-8 bytes; a full cleanup ({r.get('trigger')})",
            f"exit {r['exit']}; {r['violations']} violations: every link removed as an entry,"
            " every target intact, every awkward orphan removed, foreign names kept")


def dbtrouble(r):
    health = ", ".join(f"{h['status']} in {h['seconds']} s (db {h['db']})"
                       for h in r["health_while_down"])
    run = r.get("interrupted_run") or ["?", ""]
    return (f"PostgreSQL stopped (`pg_ctlcluster … stop`) in the middle of a 5,000-job cleanup"
            f" started by the {r['trigger']} while the service runs; then started again",
            f"interrupted run: exit {r['exit_when_db_stopped']}, ledger outcome `{run[0]}`"
            f" (\"{run[1][:120]}\"); `GET /health` while down: {health}; upload while down:"
            f" {r['upload_while_down']} in {r['upload_seconds']} s; health after restart"
            f" {r['health_after_restart']}; next run {r['next_run']},"
            f" {r['violations']} violations")


def localaccount(r):
    listens = ", ".join(r.get("h2_listens_on") or []) or "?"
    tried = (f"the service as root on the embedded default (H2 in a scratch `DATA_DIR`, no"
             f" `SPRING_DATASOURCE_URL`, generated admin token, umask {r['umask']}), one job"
             f" processed; then as `{r['account']}`: {r['paths_tried']} paths under `DATA_DIR`"
             f" listed or read; {r['connections_tried']} JDBC connections (only the H2 jar on the"
             f" class path) to the AUTO_SERVER port (listening on {listens}) with the port and"
             " key from `db.lock.db` handed over: no credentials, a wrong password, `sa`, the"
             " empty default, and the lock file read by the account itself; on a connection"
             " `FILE_READ` of the admin token, `CSVWRITE`, `CREATE ALIAS` (a JDK method, and"
             " compiled source)")
    follow = ", ".join(r["follow_ups_succeeded"]) or "nothing"
    held = (f"**{r['successes']} of {r['attempts']} attempts succeeded**: {r['paths_readable']}"
            f" of {r['paths_tried']} paths readable (lock file"
            f" {'readable' if r['lock_file_readable'] else 'not readable'}, database file"
            f" {'readable' if r['database_file_readable'] else 'not readable'});"
            f" {r['connections_accepted']} of {r['connections_tried']} connections accepted;"
            f" done as the service's account: {follow}")
    return tried, held


def injection(r):
    shell, env = r["shell"], r["env"]
    tried = (f"`PROCESSOR=command`, `PROCESSOR_COMMAND=\"{shell['template']}\"`;"
             f" {shell['uploads']} uploads whose names carry shell syntax (the issue's"
             " `x;touch${IFS}INJECTED;#.txt`, backticks, `$(...)`, quotes, newlines, a backslash,"
             " a leading `-` or `.`, 300-character names, U+202E, and generated ones); then"
             f" `{env['template']}` with `ADMIN_TOKEN`, `API_TOKEN` and a database password set")
    answers = ", ".join(f"{n} × {s}" for s, n in sorted(shell["answers"].items()))
    jobs = ", ".join(f"{n} {s}" for s, n in sorted(shell["job_statuses"].items()))
    secrets = ", ".join(env["secrets_in_the_processor_environment"]) or "none"
    published = ", ".join(env["secrets_published_by_anonymous_download"]) or "none"
    parent = ", ".join(env["secrets_readable_from_the_service_process_environ"]) or "none"
    held = (f"**{r['uploads']} uploads, {r['files_created_by_injection']} files created by"
            f" injection, {r['secrets_visible_to_the_processor']} secrets in the processor's"
            f" environment** ({secrets}); answers {answers}; jobs {jobs}; published by the"
            f" unauthenticated output download: {published}; in the service's own"
            f" `/proc/<pid>/environ`, which a processor running as the same account can read:"
            f" {parent}")
    return tried, held


def deeptree(r):
    scenarios = r["details"]
    depths = sorted({s["depth"] for s in scenarios if s["depth"]})
    wide = [s["tree"] for s in scenarios if not s["depth"]]
    tried = ("directory trees " + " / ".join(f"{d:,}" for d in depths) + " levels deep"
             + (f" and one {wide[0]}" if wide else "") + ", inside an expired job's output"
             " directory and as an orphaned output, next to 20 ordinary expired and 10 kept"
             " jobs; one cleanup by the CLI or by `POST /cleanup/run`, each on a fresh service"
             f" and dataset (hung after {r['run_timeout_s']:.0f} s); then `--orphaned-only"
             f" --dry-run` and a full run; lock lease {r['lease_s']} s; `/health` and the time"
             " the service takes to shut down")
    lines = []
    for s in scenarios:
        line = f"{s['tree']}, {s['placement']}, {s['via']}: {s['outcome']}"
        if s.get("seconds") is not None:
            line += f" in {s['seconds']} s"
        if s["problems"]:
            line += " — " + "; ".join(s["problems"][:4])
        lines.append(line)
    held = (f"**{r['scenarios_held']}/{r['scenarios']} scenarios held**<br>"
            + "<br>".join(lines))
    return tried, held


def flood(r):
    limit = r["max_upload_bytes"]
    tried = (f"`MAX_UPLOAD_BYTES` = {limit / MIB:g} MiB; {r['requests']} multipart requests over"
             f" raw sockets: {'; '.join(r['per_shape'])}; each holds its closing boundary back so"
             " that the spool is measured at its fullest (sampled every 10 ms)")
    per = "<br>".join(
        f"{name}: {', '.join(f'{n} × {s}' for s, n in v['answers'].items())},"
        f" {v['peak_spool_bytes'] / MIB:.1f} MiB spooled ({v['vs_limit']} × the limit)"
        for name, v in r["per_shape"].items())
    held = (f"**peak spool {r['peak_spool_bytes'] / MIB:.1f} MiB ="
            f" {r['peak_spool_vs_limit']} × `MAX_UPLOAD_BYTES`**; {r['shapes_held']}/{r['shapes']}"
            f" shapes held (at most the limit + {r['allowance_bytes'] // 1024} KiB per request,"
            f" and the expected status)<br>{per}")
    return tried, held


def apply(r):
    return (f"{r['rounds']} rounds (seed {r['seed']}): a plan of {r['expired_per_plan']:,} expired"
            " jobs and 300 orphans saved by the CLI (`--dry-run --save-plan`); while its apply"
            f" runs, holds placed on planned jobs ten at a time ({r['held_jobs']} of"
            f" {r.get('holds_tried', '?')} took, the others landed after the claim) and"
            f" {r['added_after_planning']:,} expired jobs and orphans added; {r['killed']} applies"
            " SIGKILLed at random moments and the plan applied again",
            f"**{r['rounds_held']}/{r['rounds']} rounds held**: nothing outside the plan gone,"
            " every job held before its claim intact, every other planned item gone, one"
            " finished apply per plan, no row left `deleting`, lock free")


def capacity(r):
    tried = (f"a {r['fs_bytes'] / MIB:.0f} MiB tmpfs as `DATA_DIR`, filled to"
             f" {r['usage_before']} % with {r['jobs']} jobs ({r['eligible']} finished 2 to 10 days"
             " ago, inside their retention; 2 held, 2 finished 2 h ago, 1 pending, 1 running);"
             f" watermarks {r['high']} % / {r['low']} %, `CAPACITY_CHECK_SECONDS=2`")
    held = (f"**{r['usage_before']} % → {r['usage_after']} % in {r['seconds_to_below_low']} s**"
            f" ({r['runs']} capacity run(s): {', '.join(r['run_outcomes'])}; {r['deleted']} jobs,"
            f" {r['bytes_freed'] / MIB:.1f} MiB); oldest first: {r['oldest_first']}; held, recent"
            f" and unfinished intact: {r['kept_intact']}")
    if r["problems"]:
        held += " — " + "; ".join(r["problems"])
    return tried, held


def capacitycrash(r):
    tried = (f"`cleanup --capacity` (CLI) SIGKILLed {r['kills']} times at seeded moments (run"
             f" {r['calibration_run_s']} s): {r['jobs']} eligible jobs, quota usage"
             f" {r['usage_before']:g} %, watermarks {r['high']} / {r['low']} %, then run to"
             " completion")
    held = (f"**{r['kills_held']}/{r['kills']} kills held** ({r['kills_mid_deletion']} mid-deletion,"
            f" {r['kills_before_any_deletion']} before any): nothing visible pointed at a missing"
            " file; afterwards exactly the oldest eligible jobs that bring usage below the low"
            " watermark were gone, none more; held, recent and unfinished jobs intact")
    return tried, held


def importcrash(r):
    variants = {"move": "the source on the target's filesystem (renamed)",
                "copy": "the source on /dev/shm (copied and verified, kept)"}
    calibration = ", ".join(f"{k} {v} s" for k, v in r["calibration_run_s"].items())
    tried = (f"{r['rounds']} rounds (seed {r['seed']}), each a fresh NeuroInsight database and"
             f" data directory of {r['jobs_per_round']:,} jobs (every status, metric rows,"
             f" uploads and output trees): `import neuroinsight` (CLI) SIGKILLed {r['kills']} times"
             f" in all at uniform random moments of an uninterrupted run ({calibration}), 1 to"
             f" {r['max_kills_per_round']} per round, then run to completion; "
             + "; ".join(variants[v] for v in r["variants"]))
    held = (f"**{r['rounds_converged']}/{r['rounds']} rounds converged** ({r['kills_mid_import']}"
            f" kills mid-import, {r.get('kills_while_starting', '?')} while a run was starting,"
            f" {r['adopting_at_kills']} kills found a job `adopting`): at every kill no entry in"
            " the data layout without its row, every job not held by the import complete, nothing lost or"
            " doubled, no orphan or held job in a dry-run cleanup; afterwards every job once with"
            " its status, times, metric rows and sizes, every file's bytes (SHA-256) in place, the"
            " source emptied or kept, no hold left, every import `done`, `stats --verify` exit 0")
    return tried, held


def s3nodes(r):
    return (f"3 service processes, one PostgreSQL, one S3 bucket (S3Proxy 4.1.0, filesystem"
            " blobstore), `STORAGE_BACKEND=s3`, **no shared filesystem** (each node its own"
            " `DATA_DIR` and `WORK_DIR`); `CLEANUP_INTERVAL_HOURS=0.005` (18 s),"
            f" `ORPHAN_GRACE_HOURS=0`, `PROCESSOR=command` taking {r['processor_seconds']:g} s and"
            f" writing two output files; {r['jobs']} uploads spread over the nodes; node 2"
            " SIGKILLed (with its process group) in the middle of a job, started again at the end"
            " and its orphan sweep run; the bucket read through the S3 API",
            f"**{r['completed']}/{r['jobs']} completed, {r['processed_more_than_once']} processed"
            f" more than once, {r['attempts_not_1']} with attempts ≠ 1** (other than the"
            f" {r['killed_mid_job']} killed mid-job, {r['killed_jobs_retried_and_completed']} of"
            f" which were retried on another node and completed), {r['stuck']} stuck,"
            f" {r['live_executions_found_dead']} executions of live nodes declared dead; in the"
            f" bucket ({r['bucket_objects']} objects): {r['jobs_missing_objects']} jobs missing an"
            f" upload or output object, {r['extra_output_objects']} output objects beyond a job's"
            f" `job_output_objects`, {r['stray_objects']} objects of no job;"
            f" {r['output_listing_problems']} of {r['output_listings_checked']} output listings"
            " through the API wrong; files in the nodes' `DATA_DIR` uploads/outputs:"
            f" {sum(r['files_in_node_data_dirs'].values())}; the killed node's scratch:"
            f" {r['killed_node_scratch_after_kill']} entries after the kill,"
            f" {r['killed_node_job_scratch_after_restart_and_sweep']} job directories after its"
            f" restart and sweep; {r['scheduled_runs']} scheduled cleanups"
            f" ({r['scheduled_runs_per_node']}), {r['overlapping_scheduled_runs']} overlapping,"
            f" {r['scheduled_runs_closer_than_half_an_interval']} closer than half an interval")


def s3race(r):
    runs = ", ".join(f"{v} {k}" for k, v in sorted(r["cleanup_runs"].items()))
    large = (f" and one client uploading {r['large_upload_mib']} MiB files (multipart, above the"
             " 8 MiB part) in a loop" if r.get("large_upload_mib") else "")
    return (f"{r['seconds']} s of uploads (2 clients, ~4/s each{large}, spread over 3 nodes) on"
            " `STORAGE_BACKEND=s3` (one S3Proxy bucket, each node and the CLI its own `DATA_DIR`"
            " and `WORK_DIR`) with `PROCESSOR=profile`, `ORPHAN_GRACE_HOURS=0`,"
            f" {r['seeded_orphan_objects']} seeded orphan objects and {r['kept_jobs']:,} kept"
            " jobs with objects; orphan sweeps from the schedule (every node, every ~1 s), the CLI"
            f" and the API (each node in turn) in loops: {runs} runs (CLI exits"
            f" {', '.join(f'{v} × {k}' for k, v in sorted(r['cli_exits'].items()))}; API answers"
            f" {', '.join(f'{v} × {k}' for k, v in sorted(r['api_answers'].items()))})",
            f"**{r['uploads']} uploads, {r['uploads_during_cleanup']} of them while a cleanup ran;"
            f" {r['objects_lost']} objects lost**; {r['jobs_checked']} jobs checked through the API"
            " and the S3 API (upload object with its size; output objects of completed ones, and"
            f" {r['output_listings_checked']} `GET /jobs/{{id}}/outputs` listings);"
            f" {r['uploads_refused']} uploads refused ({r.get('large_uploads_refused', 0)} of"
            f" {r.get('large_uploads', 0) + r.get('large_uploads_refused', 0)} large ones);"
            f" {r['orphans_removed']} orphans removed,"
            f" {r['seeded_orphans_left']} seeded orphan objects left;"
            f" {r['incomplete_multipart_uploads_left']} incomplete multipart uploads left")


def s3crash(r):
    parts = []
    for p in r["phases"]:
        parts.append(f"{p['kills_tried']} of the {p['trigger']} (run {p['calibration_run_s']} s;"
                     f" {p['kills_before_any_deletion']} before any deletion,"
                     f" {p['kills_mid_deletion']} mid-deletion,"
                     f" {p['kills_after_all_jobs_deleted']} after all jobs were deleted)")
    return (f"{r['kills_tried']} SIGKILLs of a full cleanup on `STORAGE_BACKEND=s3` at seeded"
            f" random moments (seed {r['seed']}): {'; '.join(parts)}; each on a fresh bucket and"
            f" database of {r['expired_jobs_per_dataset']:,} expired jobs,"
            f" {r['kept_jobs_per_dataset']:,} kept, {r['orphans_per_dataset']:,} orphans,"
            f" {r['young_orphans_per_dataset']} inside the grace window and"
            f" {r['foreign_keys_per_dataset']} foreign keys (3 objects a job, half with"
            " `job_output_objects`, half without); the CLI and the service each their own"
            " `DATA_DIR`; then cleanup to completion",
            f"**{r['kills_survived']}/{r['kills_tried']} kills survived** (target"
            f" {r['kills_target']}): after every kill no job visible through the API points at a"
            " missing object; after every completion run every expired job's objects and every"
            " orphan are gone from the bucket (S3 API), every kept job has its row, metrics and"
            " objects, young orphans and foreign keys kept, no row left `deleting`, lock free")


DESCRIBE = {"crash": crash, "crash-service": crash, "race": race, "concurrent": concurrent,
            "nodes": nodes, "hostile": hostile, "dbtrouble": dbtrouble,
            "localaccount": localaccount, "injection": injection, "deeptree": deeptree,
            "flood": flood, "apply": apply, "capacity": capacity,
            "capacitycrash": capacitycrash, "importcrash": importcrash, "s3nodes": s3nodes,
            "s3race": s3race, "s3crash": s3crash}
TITLE = {"crash": "1. Crashes (CLI SIGKILLed mid-cleanup)",
         "crash-service": "1b. Crashes (service SIGKILLed mid-cleanup)",
         "race": "2. Deletion racing live work", "concurrent": "3. Concurrent runs",
         "nodes": "4. Several nodes", "hostile": "5. Hostile filesystem at scale",
         "dbtrouble": "7. Database trouble",
         "localaccount": "8. A local account against the embedded database",
         "injection": "9. Upload names against a shell template; secrets and the processor",
         "deeptree": "10. Deep directory trees under an expired job and as an orphan",
         "flood": "11. Multipart floods against the spool",
         "apply": "12. Plan → apply while the store changes, SIGKILLed mid-apply",
         "capacity": "13. Capacity watermarks on a real 16 MiB filesystem",
         "capacitycrash": "14. Capacity runs SIGKILLed",
         "importcrash": "15. NeuroInsight import SIGKILLed",
         "s3nodes": "16a. Several nodes on S3, no shared filesystem",
         "s3race": "16b. Uploads racing the orphan sweep on S3",
         "s3crash": "16c. S3 cleanups SIGKILLed (CLI and service)"}


def command(case):
    return ("`reliability/run.sh crash --service`" if case == "crash-service"
            else f"`reliability/run.sh {case}`")


def when(r):
    text = f"{r['status']} ({r['finished']}"
    if r.get("commit"):
        text += f", commit {r['commit']}"
    if r.get("note"):
        text += f"; {r['note']}"
    return text + ")"


def cell(text):
    """Table cells: a pipe would end the cell, a line break the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def row(case, r):
    if r is None:
        return f"| {TITLE[case]} | not run yet | | {command(case)} | |"
    if r.get("status") in ("skipped", "error"):
        return (f"| {TITLE[case]} | {r['status']}: {cell(r.get('why', ''))} | | {command(case)} |"
                f" {when(r)} |")
    tried, held = DESCRIBE[case](r)
    return f"| {TITLE[case]} | {cell(tried)} | {cell(held)} | {command(case)} | {when(r)} |"


def main():
    lines = [
        "# Reliability",
        "",
        "What the reliability suite (issues 7 and 11) tried, and what held. The heavy cases run",
        "from `reliability/run.sh` (see [README.md](README.md#reliability-suite)); this file is",
        "rendered from their latest results in `reliability/results/` by `reliability/run.sh",
        "report`. The fast cases (hostile filesystem, bad input, security) run in `mvn -B verify`",
        "and are listed below the table.",
        "",
        "| Case | What was tried | What held | Reproduce | Result |",
        "|---|---|---|---|---|",
    ]
    lines += [row(case, load(case)) for case in ORDER]
    baseline = [(case, load(case, baseline=True)) for case in ORDER]
    if any(r for _, r in baseline):
        lines += [
            "",
            "Cases run on the code before the fix they were written for: the evidence that each",
            "detects its defect (kept in `reliability/results/baseline/` by runs with",
            "`--baseline`; the table above shows the latest run of every case):",
            "",
            "| Case | What was tried | What it found | Reproduce | Result |",
            "|---|---|---|---|---|",
        ]
        lines += [row(case, r) for case, r in baseline if r is not None]
    lines += [
        "",
        "Fast cases (in `mvn -B verify`, each database-touching suite on H2 and PostgreSQL):",
        "",
        "| Suite | What it tries | What holds |",
        "|---|---|---|",
        "| `cleanup/HostileFilesystem*IT` | 13 orphan links (to a file, a directory, `/`, the data"
        " directory, dangling, two-link loop, self-loop) in `uploads/` and `outputs/`; 5 foreign"
        " links; links inside an expired job's outputs and as its upload; names with spaces, tabs,"
        " newlines, CR, 255 bytes, emoji; names with bytes that are not UTF-8 | every link removed"
        " as an entry or kept when foreign, every target intact; every recognised name removed and"
        " accounted, none reported deleted while still on disk |",
        "| `jobs/BadInput*IT` | 18 hostile file names (`../`, absolute, Windows separators, NUL,"
        " control and escape characters, RFC 5987 encoded `../` and NUL, non-UTF-8, duplicate"
        " `filename`), 11 malformed bodies (no or wrong boundary, truncated, empty, garbage, no"
        " file name, 20 kB part header, JSON, text), a 5,000-character name, an oversized upload,"
        " 16 bad query values | 201 or 4xx naming `file`/the parameter, never 5xx; stored names"
        " safe and directly inside `uploads/`, one row per stored file, nothing written outside"
        " `DATA_DIR`, spool empty |",
        "| `web/Security*IT`, `web/AdminTokenTest` | 10 admin endpoints without a token, with a"
        " wrong one, with Basic auth and an empty bearer; 15 other spellings (`;x=1`, `//`, `./`,"
        " `%63`, upper case, trailing slash, `/actuator/env`, `heapdump`); the log and every answer"
        " searched for the token; 12 escapes of `/jobs/{id}/outputs/{path}` (`..`, `%2e%2e`,"
        " `%252e`, `%5c`, `%00`, absolute, links to a directory, to `/`, to another job) and an"
        " output directory that is itself a link | 401 / 403 (or 400-405 for odd spellings),"
        " never served; token never logged or echoed; nothing outside the job's directory served |",
        "| `cli/CliHostileFlagsIT` | repeated `--*-days`, 20-digit values, hex, Arabic-Indic"
        " digits | exit 2 naming the option, nothing written |",
        "| `config/StorekeeperEnvironmentTest` | polling limits on PostgreSQL and H2 | at most one"
        " locked execution per thread on PostgreSQL |",
    ]
    with open(os.path.join(ROOT, "reliability", "defects.md")) as f:
        lines += ["", f.read().rstrip(), ""]
    with open(os.path.join(ROOT, "RELIABILITY.md"), "w") as f:
        f.write("\n".join(lines))
    print("RELIABILITY.md written")


if __name__ == "__main__":
    main()
