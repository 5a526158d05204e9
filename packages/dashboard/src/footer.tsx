/** @jsxRuntime automatic */
import { Text } from 'ink';
import { formatDuration, formatPercent } from './format';
import type { DashboardState } from './run-store';

export function finishedText(state: DashboardState): string {
  const summary = state.summary;
  if (!summary) return 'finished';
  const best =
    summary.bestScore !== null ? ` · best score ${formatPercent(summary.bestScore)} at step ${summary.bestScoreStep}` : '';
  return `${summary.status}: ${summary.steps} steps in ${formatDuration(summary.wallSeconds)}${best}`;
}

/**
 * The last line: what the key does, "stopping…" once asked, the outcome when finished.
 * `keyHint` is null when there is no key to offer (stdin is not a terminal).
 */
export function Footer({ state, keyHint }: { state: DashboardState; keyHint: string | null }) {
  const hint = keyHint ? (
    <Text color="gray">
      <Text bold color="white">
        q
      </Text>
      {` ${keyHint}`}
    </Text>
  ) : null;
  if (state.status === 'stopping') {
    return (
      <Text color="yellow" wrap="truncate">
        stopping after this step…
      </Text>
    );
  }
  if (state.status === 'finished') {
    return (
      <Text wrap="truncate">
        <Text color="cyan">{finishedText(state)}</Text>
        {hint ? '  ' : ''}
        {hint}
      </Text>
    );
  }
  return <Text wrap="truncate">{hint}</Text>;
}
