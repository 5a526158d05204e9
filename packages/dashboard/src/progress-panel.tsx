/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { renderBar } from './bars';
import { fitParts } from './fit-parts';
import { formatDuration, formatPercent, formatStepsPerSecond } from './format';
import type { DashboardState } from './run-store';

export function progressCounterText(state: DashboardState): string {
  if (state.totalSteps <= 0) return `step ${state.step}`;
  return `${state.step}/${state.totalSteps} steps  ${formatPercent(state.step / state.totalSteps, 0)}`;
}

/** Rate, ETA, elapsed time and phase, as many as fit in `width`; before the first step, the latest log. */
export function rateText(state: DashboardState, width: number): string {
  const parts = [
    formatStepsPerSecond(state.stepsPerSecond),
    `eta ${formatDuration(state.etaSeconds)}`,
    `elapsed ${formatDuration(state.elapsedSeconds)}`,
  ];
  if (state.currentPhase) parts.push(`phase ${state.currentPhase}`);
  if (state.step === 0 && state.logs.length > 0) parts.push(state.logs[state.logs.length - 1]);
  return fitParts(parts, width);
}

/** Progress bar with the step counter, then rate, elapsed time, ETA and phase. */
export function ProgressPanel({ state, width }: { state: DashboardState; width: number }) {
  const counter = progressCounterText(state);
  const barWidth = state.totalSteps > 0 ? Math.max(0, width - counter.length - 2) : 0;
  const fraction = state.totalSteps > 0 ? state.step / state.totalSteps : 0;
  const bar = renderBar(fraction, barWidth);
  const filled = bar.trimEnd();
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text color="green">{filled}</Text>
        <Text color="gray">{'░'.repeat(bar.length - filled.length)}</Text>
        {barWidth > 0 ? '  ' : ''}
        {counter}
      </Text>
      <Text wrap="truncate">{rateText(state, width)}</Text>
    </Box>
  );
}
