/**
 * The environment minus FORCE_COLOR and NO_COLOR, for a child process whose stderr a test reads:
 * with both set (a user's NO_COLOR, a test runner's FORCE_COLOR), Node prints a warning on the
 * child's stderr, whatever the child does.
 */
export function withoutColorSettings(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'FORCE_COLOR' && name !== 'NO_COLOR'));
}
