/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { renderBar } from './bars';
import { formatPercent } from './format';
import type { DashboardState } from './run-store';

const PERCENT_WIDTH = 7;
const POOL_TEXT_WIDTH = 11;
/** Narrower than this, the bar is left out rather than drawn uselessly short. */
const LEAST_BAR_WIDTH = 3;

/** Tags in pool order, then any tag seen only among the chosen examples. */
export function makeUpTags(makeUp: Record<string, number> | null, pool: Record<string, number> | null): string[] {
  const tags = Object.keys(pool ?? {});
  for (const tag of Object.keys(makeUp ?? {})) if (!tags.includes(tag)) tags.push(tag);
  return tags;
}

/** What the selector trained on since the latest point, by noise tag, against the pool. */
export function MakeUpPanel({ state, width }: { state: DashboardState; width: number }) {
  const tags = makeUpTags(state.selectionMakeUp, state.poolMakeUp);
  const tagWidth = Math.max(0, ...tags.map((tag) => tag.length));
  const room = width - tagWidth - PERCENT_WIDTH - POOL_TEXT_WIDTH - 2;
  const barWidth = room >= LEAST_BAR_WIDTH ? room : 0;
  const since = state.makeUpStep === null ? 'vs pool · no point yet' : `vs pool · step ${state.makeUpStep}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>Selection</Text>
        <Text color="gray">{`  ${since}`}</Text>
      </Text>
      {tags.map((tag) => {
        const chosen = state.selectionMakeUp?.[tag] ?? null;
        const pool = state.poolMakeUp?.[tag] ?? null;
        return (
          <Text key={tag} wrap="truncate">
            {tag.padEnd(tagWidth)}
            {formatPercent(chosen).padStart(PERCENT_WIDTH)}
            {barWidth > 0 ? ' ' : ''}
            <Text color="blue">{renderBar(chosen ?? 0, barWidth)}</Text>
            {barWidth > 0 ? ' ' : ''}
            <Text color="gray">{`pool ${formatPercent(pool)}`.padStart(POOL_TEXT_WIDTH)}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
