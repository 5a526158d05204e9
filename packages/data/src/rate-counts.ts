/**
 * Splits `total` items by `rates` (which add up to 1) into whole counts that add up to
 * `total`: each gets floor(rate * total), and the items left over go one each to the
 * largest fractional parts, ties to the earlier rate (largest-remainder rounding).
 * Every count is within 1 of rate * total.
 */
export function countsForRates(rates: readonly number[], total: number): number[] {
  const exact = rates.map((rate) => rate * total);
  const counts = exact.map((value) => Math.floor(value + 1e-9));
  let leftOver = total - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - counts[index] }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let k = 0; leftOver > 0 && k < byRemainder.length; k++, leftOver--) counts[byRemainder[k].index]++;
  return counts;
}
