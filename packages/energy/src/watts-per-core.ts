import si from 'systeminformation';

/**
 * The default wattage of the `estimate` source: watts per busy hardware thread, by CPU class.
 *
 * Rule: a representative part's TDP divided by its hardware threads. `process.cpuUsage()`
 * counts CPU-seconds on hardware threads (vCPUs in a VM), so the figure is per thread.
 * Each class's figure (rounded) and where it comes from:
 * - server x86 (EPYC, Xeon, Threadripper, Opteron): 3 W. AMD EPYC 7763: 280 W / 128 threads
 *   = 2.2 W; Intel Xeon Platinum 8380: 270 W / 80 = 3.4 W.
 * - server Arm (Graviton, Neoverse, Altra, Grace): 2.5 W. Ampere Altra Q80-30: 210 W / 80 = 2.6 W.
 * - laptop (Apple M, Core U/P/H/HX, Ryzen U/H/HS, Core Ultra): 2 W. Core i7-1260P: 28 W / 16
 *   = 1.75 W; Apple M2: about 20 W / 8 = 2.5 W.
 * - desktop and anything not recognised: 6 W. Ryzen 9 7950X: 170 W / 32 = 5.3 W;
 *   Core i7-12700K: 125 W / 20 = 6.25 W.
 * TDP is a sustained-load figure, so a busy thread is charged its share of a busy package;
 * treat the result as good to within a factor of two, and set `wattsPerCore` when you know better.
 */
export interface CpuDescription {
  manufacturer: string;
  brand: string;
}

export interface WattsPerCoreRule {
  watts: number;
  cpuClass: 'server x86' | 'server Arm' | 'laptop' | 'desktop' | 'unrecognised';
  /** One line for the source's detail, e.g. `AMD EPYC: server x86, 3 W per busy thread (TDP / threads)`. */
  explanation: string;
}

const CLASSES: Array<{ cpuClass: WattsPerCoreRule['cpuClass']; pattern: RegExp; watts: number }> = [
  { cpuClass: 'server x86', pattern: /\b(EPYC|Xeon|Threadripper|Opteron)\b/i, watts: 3 },
  { cpuClass: 'server Arm', pattern: /\b(Graviton|Neoverse|Altra|Grace)\b/i, watts: 2.5 },
  {
    cpuClass: 'laptop',
    pattern: /\bApple M\d|\bM\d (Pro|Max|Ultra)\b|Core\S* Ultra|\bi[3579]-\d{4,5}(U|P|H|HS|HX|G\d)\b|Ryzen.*\d{4}(U|H|HS|HX)\b|Mobile/i,
    watts: 2,
  },
];

export function wattsPerBusyThread(cpu: CpuDescription): WattsPerCoreRule {
  const name = `${cpu.manufacturer} ${cpu.brand}`.trim();
  const found = CLASSES.find(({ pattern }) => pattern.test(name));
  if (found) {
    return { watts: found.watts, cpuClass: found.cpuClass, explanation: `${name}: ${found.cpuClass}, ${found.watts} W per busy thread (TDP / threads)` };
  }
  const cpuClass = cpu.brand.trim() === '' ? 'unrecognised' : 'desktop';
  return { watts: 6, cpuClass, explanation: `${name || 'unknown CPU'}: ${cpuClass}, 6 W per busy thread (TDP / threads)` };
}

let thisCpu: Promise<CpuDescription> | null = null;

/** This machine's CPU, from systeminformation (asked once per process). */
export function describeThisCpu(): Promise<CpuDescription> {
  thisCpu ??= si.cpu().then(
    (cpu) => ({ manufacturer: cpu.manufacturer ?? '', brand: cpu.brand ?? '' }),
    () => ({ manufacturer: '', brand: '' }),
  );
  return thisCpu;
}
