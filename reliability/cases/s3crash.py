"""Case 16c: cleanup on the S3 backend SIGKILLed at seeded random moments, by the CLI and by the
service during its scheduled run, then run to completion. The CLI and the service each have their
own DATA_DIR and WORK_DIR; the jobs' objects live in one bucket on S3Proxy. After every kill no job
visible through the API may point at a missing object; after every completion run every expired
job's objects and every orphan are gone, every kept job intact, every young orphan and foreign key
kept, no row left `deleting`, the lock free. The bucket is read through the S3 API."""
import os
import random
import shutil
import signal
import time

from lib.cli import cli_available, cli_start, cli_until_done
from lib.context import SEED, WORK, log, wait_for
from lib.files import fresh_dir
from lib.pg import empty_tables, psql, reset_schema, scalar
from lib.results import save
from lib.s3 import S3Proxy
from lib.s3jobs import BUCKET, S3Dataset, node_env
from lib.service import Service, migrate, scheduled_cleanup


def options(parser):
    parser.add_argument("--s3-kills", type=int, default=10,
                        help="s3crash: SIGKILLs in all, half of the CLI, half of the service")
    parser.add_argument("--s3-expired", type=int, default=1000,
                        help="s3crash: expired jobs per dataset")
    parser.add_argument("--s3-kept", type=int, default=300, help="s3crash: kept jobs per dataset")
    parser.add_argument("--s3-orphans", type=int, default=300,
                        help="s3crash: orphans (outside the grace window) per dataset")
    parser.add_argument("--s3-crash-via", choices=["both", "cli", "service"], default="both",
                        help="s3crash: whose cleanups are killed (both: half each, CLI first)")


class CliRunner:
    trigger = "cli"

    def __init__(self, env):
        self.env = env
        self.out = os.path.join(WORK, "s3crash-cli.log")
        self.proc = None

    def prepare(self):
        pass

    def start(self):
        self.proc = cli_start(["--quiet"], self.env, self.out)

    def finished(self):
        return self.proc.poll() is not None

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def complete(self):
        return cli_until_done(["--quiet"], self.env, self.out)

    def close(self):
        pass


class ServiceRunner:
    """The service's scheduled cleanup, made due now; the whole service (process group) is
    SIGKILLed and started again for the completion run."""

    trigger = "schedule (service SIGKILLed)"

    def __init__(self, env):
        self.env = dict(env, CLEANUP_ENABLED="true", CLEANUP_INTERVAL_HOURS="24",
                        SCHEDULER_HEARTBEAT_SECONDS="1")
        self.service = None
        self.before = 0

    def prepare(self):
        """Up and idle before a dataset is laid out under it."""
        if self.service is None or self.service.proc.poll() is not None:
            self.service = Service("s3crash-service", self.env).start().wait_up()
            # a first start runs the schedule at once: let that run finish (and the next one be a
            # day away) before a dataset is laid out, so that only the run made due below deletes
            wait_for(lambda: scalar(
                "select count(*) from scheduled_tasks where task_name = 'run_cleanup' and "
                "execution_time > now() + interval '1 hour' and not picked") == 1, 90, 0.5)
            wait_for(lambda: not scalar(
                "select count(*) from cleanup_lock where run_id is not null and heartbeat_at > "
                "now() - interval '5 seconds'"), 60)

    def _finished_runs(self):
        return scalar("select count(*) from cleanup_runs where outcome <> 'running' and "
                      "\"trigger\" = 'schedule'")

    def start(self):
        self.prepare()
        self.before = self._finished_runs()
        psql("update scheduled_tasks set execution_time = now() where task_name = 'run_cleanup'")

    def finished(self):
        return self._finished_runs() > self.before and not scalar(
            "select count(*) from cleanup_lock where run_id is not null")

    def kill(self):
        self.service.kill()

    def complete(self):
        self.prepare()
        refused = 0
        while True:
            outcome, errors = scheduled_cleanup(self.service)
            if outcome == "succeeded" or refused > 20:
                return (0 if outcome == "succeeded" else f"{outcome}: {errors[:200]}"), refused
            refused += 1
            time.sleep(1)

    def close(self):
        if self.service:
            self.service.stop()


def run(args):
    rng = random.Random(SEED + 16)
    root = fresh_dir(os.path.join(WORK, "s3crash"))
    proxy = S3Proxy("s3crash").start()
    runners = []
    try:
        bucket = proxy.bucket(BUCKET).create()
        planting = bucket.check_planting()
        reset_schema()
        migrate(fresh_dir(os.path.join(root, "migrate")))
        phases = []
        if cli_available() and args.s3_crash_via in ("both", "cli"):
            phases.append(CliRunner(node_env(proxy, "cli", root)))
        if args.s3_crash_via in ("both", "service"):
            phases.append(ServiceRunner(node_env(proxy, "service", root)))
        runners = phases
        per_phase = [args.s3_kills - args.s3_kills // len(phases) * (len(phases) - 1)] + \
            [args.s3_kills // len(phases)] * (len(phases) - 1)
        results = {"status": "running", "seed": SEED + 16, "kills_target": args.s3_kills,
                   "via": args.s3_crash_via,
                   "planting_check": planting, "expired_jobs_per_dataset": args.s3_expired,
                   "kept_jobs_per_dataset": args.s3_kept, "orphans_per_dataset": args.s3_orphans,
                   "young_orphans_per_dataset": 50, "foreign_keys_per_dataset": 20,
                   "phases": []}
        for runner, target in zip(phases, per_phase):
            phase = _phase(args, rng, bucket, runner, target, results)
            results["phases"].append(phase)
            runner.close()
        tried = sum(p["kills_tried"] for p in results["phases"])
        survived = sum(p["kills_survived"] for p in results["phases"])
        calibration = sum(len(p["calibration_violations"]) for p in results["phases"])
        results.update(kills_tried=tried, kills_survived=survived)
        if survived != tried or calibration or planting:
            results["status"] = "failed"
        else:
            results["status"] = "ok" if tried >= args.s3_kills else \
                "ok so far (stopped short of the target)"
        save("s3crash", results)
    finally:
        for runner in runners:
            runner.close()
        proxy.stop()


def _phase(args, rng, bucket, runner, target, results):
    name = runner.trigger

    def fresh_dataset():
        runner.prepare()
        empty_tables()
        # the bucket emptied between rounds: its directory in the blobstore, S3Proxy running
        for entry in os.listdir(bucket.directory()):
            shutil.rmtree(os.path.join(bucket.directory(), entry))
        return S3Dataset.standard(bucket, rng, expired=args.s3_expired, kept=args.s3_kept,
                                  orphans=args.s3_orphans)

    # calibration: uninterrupted runs tell how long a run lasts, so kills land inside it; two,
    # keeping the shorter (the CLI's first after a build also records its class-data archive, the
    # service's first runs on a cold JIT)
    durations, calibration = [], []
    for _ in range(2):
        dataset = fresh_dataset()
        started = time.time()
        runner.start()
        wait_for(runner.finished, 600, 0.05)
        durations.append(time.time() - started)
        calibration += dataset.violations(True)
    duration = min(durations)
    log(f"s3crash [{name}]: calibration runs in {', '.join(f'{d:.1f}s' for d in durations)}, "
        f"{len(calibration)} violations {calibration[:3]}")
    phase = {"trigger": name, "kills_target": target, "calibration_run_s": round(duration, 1),
             "calibration_violations": calibration[:5], "kills_tried": 0, "kills_survived": 0,
             "attempts": 0, "already_running_retries": 0, "details": []}
    kills = 0
    while kills < target and phase["attempts"] < 3 * target:
        phase["attempts"] += 1
        dataset = fresh_dataset()
        delay = rng.uniform(0.15, 0.97) * duration
        runner.start()
        time.sleep(delay)
        if runner.finished():
            phase["details"].append({"delay_s": round(delay, 2), "killed": False})
            # runs got shorter than measured (a warmer JIT, a quieter machine): aim earlier
            duration *= 0.8
            continue
        runner.kill()
        kills += 1
        gone = dataset.gone_expired()
        claimed = scalar("select count(*) from jobs where status = 'deleting'")
        expired_objects_left = _expired_objects_left(bucket, dataset)
        at_kill = dataset.violations(False)
        rc, refused = runner.complete()
        phase["already_running_retries"] += refused
        after = dataset.violations(True)
        ok = not at_kill and not after and rc == 0
        phase["kills_survived"] += 1 if ok else 0
        phase["kills_tried"] = kills
        phase["details"].append({
            "delay_s": round(delay, 2), "killed": True, "expired_jobs_gone_at_kill": gone,
            "rows_deleting_at_kill": claimed,
            "expired_jobs_with_objects_at_kill": expired_objects_left,
            "refused_after_kill": refused, "completion": rc,
            "violations_at_kill": at_kill[:5], "violations_after": after[:5]})
        log(f"s3crash [{name}]: kill {kills}/{target} at {delay:.1f}s ({gone} of "
            f"{len(dataset.expired)} expired rows gone, {claimed} claimed, "
            f"{expired_objects_left} expired jobs with objects): "
            f"{'held' if ok else 'VIOLATED'} {(at_kill + after)[:3]}")
        save("s3crash", dict(results, phases=results["phases"] + [phase]))
    landed = [d["expired_jobs_gone_at_kill"] for d in phase["details"] if d["killed"]]
    objects = [d["expired_jobs_with_objects_at_kill"] for d in phase["details"] if d["killed"]]
    phase.update(
        runs_finished_before_the_kill=phase["attempts"] - kills,
        kills_before_any_deletion=sum(1 for g, o in zip(landed, objects)
                                      if g == 0 and o == args.s3_expired),
        kills_mid_deletion=sum(1 for g, o in zip(landed, objects)
                               if not (g == 0 and o == args.s3_expired)
                               and g < args.s3_expired),
        kills_after_all_jobs_deleted=sum(1 for g in landed if g == args.s3_expired))
    return phase


def _expired_objects_left(bucket, dataset):
    """How many expired jobs still have an object (upload or outputs) in the bucket."""
    listing = bucket.list(dataset.prefix)
    have = set()
    for key in listing:
        rest = key[len(dataset.prefix):]
        if rest.startswith("uploads/"):
            have.add(rest[len("uploads/"):].split("_", 1)[0])
        elif rest.startswith("outputs/"):
            have.add(rest[len("outputs/"):].split("/", 1)[0])
    return sum(1 for j in dataset.expired if j in have)
