import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of /proc/<pid>/stat times. 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat; null where there is
 * no /proc (not Linux) or the process is gone. Used to charge helper processes (nvidia-smi)
 * to the meter's overhead.
 */
export function processCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) overall are 12th and 13th after the name.
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_SECOND : null;
}
