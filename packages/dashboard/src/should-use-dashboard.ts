/**
 * Whether to draw the live dashboard: always when asked for (`true`), never when
 * turned off, and for `auto` only on a terminal outside CI. `CI=false` and `CI=0`
 * count as outside CI, as most CI tools read them.
 */
export function shouldUseDashboard(
  setting: boolean | 'auto',
  env: NodeJS.ProcessEnv,
  stdout: { isTTY?: boolean },
): boolean {
  if (setting !== 'auto') return setting;
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  // A terminal that says it cannot move the cursor gets plain lines.
  return stdout.isTTY === true && !inCi && env.TERM !== 'dumb';
}
