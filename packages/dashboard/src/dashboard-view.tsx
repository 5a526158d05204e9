/** @jsxRuntime automatic */
import { Box } from 'ink';
import { taskKindOfPoint } from '@sieve/core';
import { ChartPanel } from './chart-panel';
import { CompactView } from './compact-view';
import { EnergyPanel } from './energy-panel';
import { Footer } from './footer';
import { layoutFor } from './layout';
import { MakeUpPanel } from './make-up-panel';
import { PointsTable } from './points-table';
import { ProgressPanel } from './progress-panel';
import { RunHeader } from './run-header';
import type { DashboardState } from './run-store';
import { WarningsPanel } from './warnings-panel';

export interface DashboardViewProps {
  state: DashboardState;
  columns: number | undefined;
  rows: number | undefined;
  /** What `q` does (`stop after this step`, `quit`), or null when keys cannot be read. */
  keyHint: string | null;
}

/**
 * The whole screen for one state. Pure: the same state and size give the same frame.
 * Its line budget is `layoutFor`'s: keep the two in step when adding a line.
 */
export function DashboardView({ state, columns, rows, keyHint }: DashboardViewProps) {
  const layout = layoutFor(columns, rows, state.warningCount > 0);
  const { width } = layout;
  if (layout.mode === 'compact') return <CompactView state={state} width={width} keyHint={keyHint} />;
  const half = Math.floor((width - 2) / 2);
  const gap = layout.separatorLines;
  return (
    <Box flexDirection="column" width={width}>
      <RunHeader state={state} width={width} />
      <Box marginTop={gap}>
        <ProgressPanel state={state} width={width} />
      </Box>
      {layout.chartRows > 0 ? (
        <Box marginTop={gap}>
          <ChartPanel state={state} width={width} rows={layout.chartRows} />
        </Box>
      ) : null}
      <Box marginTop={gap} width={width}>
        <EnergyPanel state={state} width={half} />
        <Box width={2} />
        <MakeUpPanel state={state} width={width - half - 2} />
      </Box>
      <Box marginTop={gap}>
        <PointsTable
          points={state.points}
          taskKind={state.info?.taskKind ?? taskKindOfPoint(state.points.at(-1))}
          rows={layout.pointRows}
          width={width}
        />
      </Box>
      {state.warningCount > 0 ? (
        <Box marginTop={gap}>
          <WarningsPanel warnings={state.warnings} warningCount={state.warningCount} rows={layout.warningRows} width={width} />
        </Box>
      ) : null}
      <Box marginTop={gap}>
        <Footer state={state} keyHint={keyHint} />
      </Box>
    </Box>
  );
}
