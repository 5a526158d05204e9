/**
 * Slurm's `--array` value for `indices`: runs of consecutive ids as ranges, and `%limit` for the
 * most tasks at once, e.g. [3, 6, 10, 11, 12] and 2 give "3,6,10-12%2".
 */
export function arraySpec(indices: readonly number[], limit: number | null): string {
  if (indices.length === 0) throw new Error('an array job needs at least one task');
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let previous = sorted[0];
  for (const index of [...sorted.slice(1), Number.NaN]) {
    if (index === previous + 1) {
      previous = index;
      continue;
    }
    parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = previous = index;
  }
  return `${parts.join(',')}${limit === null ? '' : `%${limit}`}`;
}
