import koffi from 'koffi';

/** Linux's CLOCK_THREAD_CPUTIME_ID. */
const CLOCK_THREAD_CPUTIME_ID = 3;

/**
 * This thread's CPU time in seconds, from clock_gettime(CLOCK_THREAD_CPUTIME_ID) through
 * koffi (Node 20 has no per-thread CPU clock; `process.cpuUsage` counts every thread and
 * wall time counts the time the thread waits for a CPU). Null where it cannot be loaded
 * (not Linux with glibc): the caller then falls back to wall time.
 */
export function loadThreadCpuClock(): (() => number) | null {
  if (process.platform !== 'linux') return null;
  try {
    const libc = koffi.load('libc.so.6');
    const clockGettime = libc.func('clock_gettime', 'int', ['int', 'int64_t *']);
    const timespec = new BigInt64Array(2);
    const read = (): number => {
      if (clockGettime(CLOCK_THREAD_CPUTIME_ID, timespec) !== 0) throw new Error('clock_gettime failed');
      return Number(timespec[0]) + Number(timespec[1]) / 1e9;
    };
    read();
    return read;
  } catch {
    return null;
  }
}
