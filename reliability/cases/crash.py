"""Case 1: cleanup SIGKILLed at seeded random moments (the CLI, or with --service the whole service
during its scheduled run), then run to completion: nothing visible may point at a missing file,
and the completion run must leave exactly what retention keeps."""
import os
import random
import signal
import time

from lib.cli import cli_available, cli_start, cli_until_done
from lib.context import SEED, WORK, log, wait_for
from lib.dataset import Dataset
from lib.files import fresh_dir
from lib.pg import empty_tables, psql, reset_schema, scalar
from lib.results import save
from lib.service import Service, base_env, migrate, scheduled_cleanup


class CliRunner:
    """Cleanup as the operator CLI: one process per run."""

    trigger = "cli"

    def __init__(self, env):
        self.env = env
        self.out = os.path.join(WORK, "crash-cli.log")
        self.proc = None

    def start(self):
        self.proc = cli_start(["--quiet"], self.env, self.out)

    def finished(self):
        return self.proc.poll() is not None

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def complete(self):
        """Runs cleanup to completion; returns (exit, 'already running' answers first)."""
        return cli_until_done(["--quiet"], self.env, self.out)

    def close(self):
        pass


class ServiceRunner:
    """Without the CLI: cleanup as the service's scheduled run, and the whole service is killed."""

    trigger = "schedule (service SIGKILLed)"

    def __init__(self, env):
        self.env = dict(env, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                        SCHEDULER_HEARTBEAT_SECONDS="1")
        self.service = None

    def _up(self):
        if self.service is None or self.service.proc.poll() is not None:
            self.service = Service("crash", self.env).start().wait_up()
            wait_for(lambda: not scalar(
                "select count(*) from cleanup_lock where run_id is not null and heartbeat_at > "
                "now() - interval '5 seconds'"), 60)

    def _finished_runs(self):
        return scalar("select count(*) from cleanup_runs where outcome <> 'running' and "
                      "\"trigger\" = 'schedule'")

    def start(self):
        self._up()
        self.before = self._finished_runs()
        psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")

    def finished(self):
        return self._finished_runs() > self.before and not scalar(
            "select count(*) from cleanup_lock where run_id is not null")

    def kill(self):
        self.service.kill()

    def complete(self):
        self._up()
        refused = 0
        while True:
            outcome, errors = scheduled_cleanup(self.service)
            if outcome == "succeeded" or refused > 20:
                return (0 if outcome == "succeeded" else outcome), refused
            refused += 1
            time.sleep(1)

    def close(self):
        if self.service:
            self.service.stop()


def run(args):
    rng = random.Random(SEED)
    data = os.path.join(WORK, "crash-data")
    fresh_dir(data)
    reset_schema()
    migrate(data)
    env = base_env(data)
    cli = cli_available() and not args.service
    runner = CliRunner(env) if cli else ServiceRunner(env)
    try:
        _crash(args, rng, data, runner, "crash" if cli else "crash-service")
    finally:
        runner.close()


def _crash(args, rng, data, runner, name):
    def fresh_dataset():
        if isinstance(runner, ServiceRunner):
            # the service stays up (and idle) while the dataset is laid out under it
            runner._up()
        empty_tables()
        fresh_dir(data)
        return Dataset.standard(data, rng, expired=args.expired)

    # calibration: uninterrupted runs tell how long a run lasts, so kills land inside it. Two of
    # them, keeping the shorter: the first CLI run after a build also records the class-data
    # archive, and a delay drawn from that longer time would mostly land after the run.
    durations, calibration = [], []
    for _ in range(2):
        dataset = fresh_dataset()
        started = time.time()
        runner.start()
        wait_for(runner.finished, 600, 0.05)
        durations.append(time.time() - started)
        calibration += dataset.violations(True)
    duration = min(durations)
    log(f"crash: calibration runs in {', '.join(f'{d:.1f}s' for d in durations)}, "
        f"{len(calibration)} violations")

    target = args.kills
    kills, survived, attempts, details, refused_total = 0, 0, 0, [], 0
    deadline = time.time() + args.budget_minutes * 60 if args.budget_minutes else None

    def summary(status):
        landed = [d["expired_jobs_gone_at_kill"] for d in details if d["killed"]]
        return {
            "status": status,
            "trigger": runner.trigger, "kills_target": target, "kills_tried": kills,
            "kills_survived": survived, "seed": SEED, "expired_jobs_per_dataset": args.expired,
            "kept_jobs_per_dataset": 1000, "orphans_per_dataset": 1200,
            "calibration_run_s": round(duration, 1), "calibration_violations": calibration[:5],
            "attempts": attempts, "runs_finished_before_the_kill": attempts - kills,
            "already_running_retries": refused_total,
            "kills_before_any_deletion": sum(1 for g in landed if g == 0),
            "kills_mid_deletion": sum(1 for g in landed if 0 < g < args.expired),
            "kills_after_all_jobs_deleted": sum(1 for g in landed if g == args.expired),
            "details": details}

    while kills < target and attempts < 3 * target:
        if deadline and time.time() > deadline:
            log(f"crash: time budget of {args.budget_minutes} min used up after {kills} kills")
            break
        attempts += 1
        dataset = fresh_dataset()
        delay = rng.uniform(0.15, 0.97) * duration
        runner.start()
        time.sleep(delay)
        if runner.finished():
            details.append({"delay_s": round(delay, 2), "killed": False})
            continue
        runner.kill()
        kills += 1
        gone = len(dataset.expired) - scalar(
            "select count(*) from jobs where id in (%s)" % ",".join(
                f"'{j}'" for j in dataset.expired))
        claimed = scalar("select count(*) from jobs where status = 'deleting'")
        at_kill = dataset.violations(False)
        rc, refused = runner.complete()
        refused_total += refused
        after = dataset.violations(True)
        ok = not at_kill and not after and rc == 0
        survived += 1 if ok else 0
        details.append({"delay_s": round(delay, 2), "killed": True,
                        "expired_jobs_gone_at_kill": gone, "rows_deleting_at_kill": claimed,
                        "refused_after_kill": refused, "completion": rc,
                        "violations_at_kill": at_kill[:5], "violations_after": after[:5]})
        log(f"crash: kill {kills}/{target} at {delay:.1f}s ({gone} of {len(dataset.expired)} "
            f"expired gone, {claimed} claimed): {'held' if ok else 'VIOLATED'} "
            f"{(at_kill + after)[:3]}")
        save(name, summary("running"))  # a stopped harness keeps what it has seen
    if survived != kills:
        status = "failed"
    else:
        status = "ok" if kills == target else "ok so far (stopped short of the target)"
    save(name, summary(status))
