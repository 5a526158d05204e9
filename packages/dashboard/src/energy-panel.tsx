/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { PHASES } from '@sieve/core';
import type { Phase } from '@sieve/core';
import { formatJoules, formatWatts } from './format';
import type { DashboardState } from './run-store';

export const PHASE_LABELS: Record<Phase, string> = {
  'reference-training': 'ref training',
  'reference-embedding': 'ref embedding',
  scoring: 'scoring',
  training: 'training',
  evaluation: 'evaluation',
};

const LABEL_WIDTH = 14;
const VALUE_WIDTH = 10;

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Text wrap="truncate">
      <Text color="gray">{label.padEnd(LABEL_WIDTH)}</Text>
      {value.padStart(VALUE_WIDTH)}
    </Text>
  );
}

/** `estimated · step 600`: how the joules were obtained and the point they add up to. */
export function energyNoteText(state: DashboardState): string {
  const kind = state.energyKind ?? (state.energySources.length === 0 ? 'no meter' : null);
  let at: string | null = null;
  if (state.joulesTotal !== null) at = state.status === 'finished' ? 'at the end' : `step ${state.makeUpStep}`;
  return [kind, at].filter((part) => part !== null).join(' · ');
}

/** Power now, and cumulative joules (at the latest point) split by phase. */
export function EnergyPanel({ state, width }: { state: DashboardState; width: number }) {
  const note = energyNoteText(state);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>Energy</Text>
        <Text color="gray">{note ? `  ${note}` : ''}</Text>
      </Text>
      <Row label="power now" value={formatWatts(state.powerWatts)} />
      <Row label="total" value={formatJoules(state.joulesTotal)} />
      {PHASES.map((phase) => (
        <Row key={phase} label={`  ${PHASE_LABELS[phase]}`} value={formatJoules(state.joulesByPhase?.[phase] ?? null)} />
      ))}
    </Box>
  );
}
