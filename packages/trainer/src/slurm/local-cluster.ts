import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** A private single-node Slurm cluster: munged, slurmctld and slurmd, every file in one folder. */
export interface LocalCluster {
  /** What Slurm's client commands need to talk to this cluster (`SLURM_CONF`). */
  env: Record<string, string>;
  dir: string;
  /** Cancels every job, then stops the three daemons by their PIDs. */
  stop(): Promise<void>;
}

type Daemon = 'munged' | 'slurmctld' | 'slurmd';

/**
 * Starts a single-node Slurm cluster in `dir` (root needed: slurmd runs jobs as their users),
 * for tests and for measuring Slurm's own overhead. Resolves to the cluster, or to the reason it
 * cannot start here (no Slurm installed, not root, a daemon that does not come up).
 *
 * The settings are the smallest that work without systemd: no accounting daemon, processes
 * tracked by their parent ids, no task binding, and a scheduler that starts array waves at once
 * instead of every few seconds. `maxArraySize` lowers Slurm's limit on array task ids (1001 by
 * default), to see what a sweep beyond it does.
 */
export async function startLocalCluster(dir: string, settings: { maxArraySize?: number } = {}): Promise<LocalCluster | { reason: string }> {
  if (process.getuid?.() !== 0) return { reason: 'a private Slurm cluster needs root (slurmd starts jobs as their users)' };
  const missing = [];
  for (const command of ['munged', 'slurmctld', 'slurmd', 'sbatch']) {
    if ((await execa('which', [command], { reject: false })).exitCode !== 0) missing.push(command);
  }
  if (missing.length > 0) return { reason: `Slurm is not installed (${missing.join(', ')} not on PATH; apt-get install slurmctld slurmd slurm-client munge)` };

  mkdirSync(join(dir, 'state'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'spool'), { recursive: true });
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o600);
  chmodSync(dir, 0o711); // munged refuses a socket folder others may write to
  const socket = join(dir, 'munge.socket');
  const [controllerPort, nodePort] = [await freePort(), await freePort()];
  const node = hostname().split('.')[0];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=sieve-test',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${controllerPort}`,
      `SlurmdPort=${nodePort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${pidFile(dir, 'slurmctld')}`,
      `SlurmdPidFile=${pidFile(dir, 'slurmd')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerParameters=batch_sched_delay=0,sched_min_interval=0',
      'ReturnToService=2',
      ...(settings.maxArraySize ? [`MaxArraySize=${settings.maxArraySize}`] : []),
      `NodeName=${node} CPUs=${availableParallelism()} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const stop = () => stopCluster(dir, env);
  try {
    await execa('munged', ['--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${pidFile(dir, 'munged')}`, `--log-file=${join(dir, 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`]);
    await execa('slurmctld', [], { env });
    await execa('slurmd', [], { env });
    await waitForIdleNode(env, dir);
  } catch (error) {
    await stop();
    return { reason: `Slurm did not start: ${(error as Error).message.split('\n')[0]} (logs in ${dir})` };
  }
  return { env, dir, stop };
}

function pidFile(dir: string, daemon: Daemon): string {
  return join(dir, `${daemon}.pid`);
}

/** Waits until `sinfo` reports the node idle: the controller and the node daemon talk. */
async function waitForIdleNode(env: Record<string, string>, dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await execa('sinfo', ['--noheader', '--format=%T'], { env, reject: false });
    if (result.exitCode === 0 && result.stdout.trim() === 'idle') return;
    if (Date.now() > deadline) throw new Error(`the node did not become idle in 30 s (sinfo: ${result.stdout.trim() || result.stderr.trim()}); see ${dir}/slurmd.log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopCluster(dir: string, env: Record<string, string>): Promise<void> {
  await execa('scancel', ['--user', 'root'], { env, reject: false });
  for (const daemon of ['slurmd', 'slurmctld', 'munged'] as const) {
    const path = pidFile(dir, daemon);
    if (!existsSync(path)) continue;
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue; // already gone
    }
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port nobody listens on now, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
