/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { fitParts } from './fit-parts';
import type { DashboardState, RunStatus } from './run-store';

const STATUS_COLOURS: Record<RunStatus, string> = {
  waiting: 'gray',
  running: 'green',
  stopping: 'yellow',
  finished: 'cyan',
};

export function energySourcesText(state: DashboardState): string {
  if (state.energySources.length === 0) return 'not measured (no energy meter)';
  return state.energySources.map((source) => `${source.name} (${source.measured ? 'measured' : 'estimated'})`).join(', ');
}

/** The run's status; once finished, how it ended (`completed`, `stopped`). */
export function statusText(state: DashboardState): string {
  if (state.status === 'finished' && state.summary) return state.summary.status;
  return state.status;
}

/** The run panel: what runs, with which selector, backend and energy sources. */
export function RunHeader({ state, width }: { state: DashboardState; width: number }) {
  const { info } = state;
  const status = statusText(state);
  const title = `Sieve  ${info?.runId ?? 'waiting for the run to start'}`;
  const details = info
    ? fitParts(
        [
          `${info.task} (${info.taskKind})`,
          `selector ${info.selector}`,
          `backend ${info.backend}`,
          `batch ${info.batchSize} of ${info.superBatchSize}`,
        ],
        width,
      )
    : '';
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Box flexGrow={1}>
          <Text bold wrap="truncate">
            {title}
          </Text>
        </Box>
        <Text color={STATUS_COLOURS[state.status]}>{` ${status}`}</Text>
      </Box>
      <Text wrap="truncate">{details}</Text>
      <Text wrap="truncate">
        <Text color="gray">energy </Text>
        {energySourcesText(state)}
      </Text>
    </Box>
  );
}
