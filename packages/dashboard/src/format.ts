/** Number formatting for the dashboard and the plain log: every number leaves with its unit. */

const MISSING = '-';

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** About three significant digits: 4.12, 41.2, 412. */
function threeDigits(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude < 10) return value.toFixed(2);
  if (magnitude < 100) return value.toFixed(1);
  return value.toFixed(0);
}

function withPrefix(value: number, unit: string): string {
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let scaled = value;
  let index = 0;
  // 999.6 J would print as "1000 J": move to the next prefix once rounding reaches 1000.
  while (Math.abs(scaled) >= 999.5 && index < prefixes.length - 1) {
    scaled /= 1000;
    index++;
  }
  return `${threeDigits(scaled)} ${prefixes[index]}${unit}`;
}

/** `812 J`, `41.0 J`, `12.3 kJ`, `1.23 MJ`. */
export function formatJoules(joules: number | null | undefined): string {
  return isFiniteNumber(joules) ? withPrefix(joules, 'J') : MISSING;
}

/** `4.12 W`, `312 W`, `1.20 kW`. */
export function formatWatts(watts: number | null | undefined): string {
  return isFiniteNumber(watts) ? withPrefix(watts, 'W') : MISSING;
}

/** Seconds as `45s`, `1m52s`, `2h03m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isFiniteNumber(seconds) || seconds < 0) return MISSING;
  const total = Math.round(seconds);
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  const minutes = Math.round(total / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A fraction in [0, 1] as `41.2%`. */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  return isFiniteNumber(fraction) ? `${(fraction * 100).toFixed(digits)}%` : MISSING;
}

/** `12.3 steps/s`; slow runs keep two decimals (`0.42 steps/s`). */
export function formatStepsPerSecond(stepsPerSecond: number | null | undefined): string {
  if (!isFiniteNumber(stepsPerSecond)) return `${MISSING} steps/s`;
  return `${stepsPerSecond < 10 ? stepsPerSecond.toFixed(2) : stepsPerSecond.toFixed(1)} steps/s`;
}

/** Scientific notation without the plus sign: `1.2e12`. */
export function formatExponential(value: number | null | undefined, digits = 1): string {
  return isFiniteNumber(value) ? value.toExponential(digits).replace('e+', 'e') : MISSING;
}

/** Fixed decimals, or `-` when missing. */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : MISSING;
}
