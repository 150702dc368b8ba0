"""Evidence that the importcrash case's checks can fail: a clean 50-job import, then its end state
broken on purpose (an output byte, a metric row, a stray upload, an upload taken away, a hold left). Run
after `reliability/run.sh importcrash` (it reuses its databases and scratch directories):

    RELIABILITY_PG_DB=... python3 reliability/selfcheck_importcrash.py
"""
import os, random, sys, time, uuid
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import importcrash as c
from lib.context import WORK
from lib.cli import cli_run
from lib.files import fresh_dir
from lib.pg import empty_tables, psql, rows
from lib.service import base_env

rng = random.Random(1)
data = os.path.join(WORK, 'importcrash-data')
psql("delete from neuroinsight_imports"); empty_tables(); fresh_dir(data)
src = c.Source(os.path.join(WORK, 'importcrash-source'), rng, 50)
env = base_env(data, CLEANUP_ENABLED='false', NEUROINSIGHT_SOURCE_PASSWORD='')
cmd = ["import", "neuroinsight", "--source-url", f"jdbc:postgresql://127.0.0.1:5432/{c.SOURCE_DB}",
       "--source-user", "postgres", "--source-data", src.data + "/", "--json"]
t = time.time()
print('import exit', cli_run(cmd, env, '/tmp/sab.log'))
print('clean end state:', c.converged(src, data, False, t * 1000, time.time() * 1000)[0],
      c.at_kill(src, data, False), c.dry_run_cleanup(env, '/tmp/sab-clean.log')[0])
done = [j for j, s in src.jobs.items() if s['outputs'] and s['metrics']]
a, b, d = done[0], done[1], done[2]
# 1: one byte of an output file changed, 2: one metric row gone, 3: a stray upload without a row,
# 4: an upload taken away from a job that is not held, 5: a job left held by the import
path = os.path.join(data, 'outputs', a, 'results.json')
with open(path, 'r+b') as f:
    first = f.read(1); f.seek(0); f.write(bytes([(first[0] ^ 1) if first else 65]))
psql(f"delete from metrics where id = (select id from metrics where job_id = '{b}' limit 1)")
stray = os.path.join(data, 'uploads', f"{uuid.uuid4()}_stray.nii")
open(stray, 'w').write('x'); os.utime(stray, (time.time() - 86400 * 30,) * 2)
upload = rows(f"select file_path from jobs where id = '{d}'")[0][0]
os.rename(upload, upload + '.gone')
psql(f"update jobs set held_at = now(), held_by = 'import', hold_reason = 'x' where id = '{a}'")
print('after sabotage, end state:')
for p in c.converged(src, data, False, t * 1000, time.time() * 1000)[0]:
    print('  ', p)
print('after sabotage, at-kill rules:')
for p in c.at_kill(src, data, False):
    print('  ', p)
print('after sabotage, dry-run cleanup:', c.dry_run_cleanup(env, '/tmp/sab-clean.log')[0])
