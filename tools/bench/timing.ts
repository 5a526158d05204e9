/** The benchmarks' timer: medians of wall and CPU milliseconds over repeated calls. */
import { performance } from 'node:perf_hooks';

/** Medians of a timed part, in milliseconds. */
export interface Timing {
  wallMs: number;
  /** CPU time of this whole process (every thread, user and system). */
  cpuMs: number;
}

/** The middle value (the upper one of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/**
 * Runs `part` `warmups` times untimed, then `repeats` times timed; `prepare` runs untimed before
 * each call and hands it its input. Returns the medians of wall and CPU milliseconds.
 */
export async function measure<T>(repeats: number, prepare: () => T | Promise<T>, part: (input: T) => unknown, warmups = 3): Promise<Timing> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = -warmups; r < repeats; r++) {
    const input = await prepare();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await part(input);
    const wall = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (r >= 0) {
      walls.push(wall);
      cpus.push((cpu.user + cpu.system) / 1000);
    }
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}
