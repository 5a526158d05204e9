/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { renderBar } from './bars';
import { Footer } from './footer';
import { formatFixed, formatJoules, formatPercent, formatWatts } from './format';
import { makeUpTags } from './make-up-panel';
import { progressCounterText, rateText } from './progress-panel';
import { statusText } from './run-header';
import type { DashboardState } from './run-store';

/** One column for terminals under 60 columns: the same numbers, fewer words, no chart or table. */
export function CompactView({ state, width, keyHint }: { state: DashboardState; width: number; keyHint: string | null }) {
  const { info } = state;
  const counter = progressCounterText(state);
  const barWidth = state.totalSteps > 0 ? Math.max(0, width - counter.length - 1) : 0;
  const latestScore = state.scoreHistory.at(-1)?.value ?? null;
  const best = state.bestScore ? ` (best ${formatPercent(state.bestScore.value)})` : '';
  const energy = [formatWatts(state.powerWatts), formatJoules(state.joulesTotal), state.energyKind ?? 'no meter'];
  const makeUp = makeUpTags(state.selectionMakeUp, state.poolMakeUp)
    .map((tag) => `${tag} ${formatPercent(state.selectionMakeUp?.[tag] ?? null, 0)}`)
    .join(' · ');
  const lastWarning = state.warnings.at(-1);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        {`Sieve ${info?.runId ?? ''}`} <Text color="gray">{statusText(state)}</Text>
      </Text>
      {info ? <Text wrap="truncate">{`${info.selector} · ${info.backend} · ${info.task}`}</Text> : null}
      <Text wrap="truncate">
        <Text color="green">{renderBar(state.totalSteps > 0 ? state.step / state.totalSteps : 0, barWidth, '░')}</Text>
        {barWidth > 0 ? ' ' : ''}
        {counter}
      </Text>
      <Text wrap="truncate">{rateText(state, width)}</Text>
      <Text wrap="truncate">{`score ${formatPercent(latestScore)}${best} · loss ${formatFixed(state.latestLoss, 3)}`}</Text>
      <Text wrap="truncate">{`energy ${energy.join(' · ')}`}</Text>
      {makeUp ? <Text wrap="wrap">{`chosen ${makeUp}`}</Text> : null}
      {lastWarning ? <Text color="yellow" wrap="truncate">{`! ${lastWarning}`}</Text> : null}
      <Footer state={state} keyHint={keyHint} />
    </Box>
  );
}
