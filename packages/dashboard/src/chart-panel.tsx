/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import { chartRangeOf, renderBrailleChart } from './braille-chart';
import type { ChartRange } from './braille-chart';
import { formatFixed, formatPercent } from './format';
import type { DashboardState, StepSample } from './run-store';

const LABEL_WIDTH = 6;

/** `0`, the word `steps` in the middle and the last step on the right, `width` wide. */
export function stepAxisText(lastStep: number, width: number): string {
  const right = String(lastStep);
  const middle = 'steps';
  if (width < right.length + middle.length + 4) return `0${right.padStart(Math.max(0, width - 1))}`.slice(0, width);
  const left = '0'.padEnd(Math.floor((width - middle.length) / 2));
  return `${left}${middle}`.padEnd(width - right.length) + right;
}

interface SeriesChartProps {
  title: string;
  value: string;
  samples: StepSample[];
  label: (value: number) => string;
  colour: string;
  lastStep: number;
  width: number;
  rows: number;
}

function SeriesChart({ title, value, samples, label, colour, lastStep, width, rows }: SeriesChartProps) {
  const plotWidth = Math.max(1, width - LABEL_WIDTH - 1);
  const range: ChartRange = chartRangeOf(samples.map((sample) => sample.value));
  const lines = renderBrailleChart(
    samples.map((sample) => ({ x: sample.step, y: sample.value })),
    { widthChars: plotWidth, heightRows: rows, x: { min: 0, max: Math.max(1, lastStep) }, y: range },
  );
  const yLabel = (row: number): string => {
    if (samples.length === 0) return '';
    if (row === 0) return label(range.max);
    if (row === rows - 1) return label(range.min);
    return '';
  };
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{title}</Text> {value}
      </Text>
      {lines.map((line, row) => (
        <Text key={row} wrap="truncate">
          <Text color="gray">{yLabel(row).padStart(LABEL_WIDTH)} </Text>
          <Text color={colour}>{line}</Text>
        </Text>
      ))}
      <Text color="gray" wrap="truncate">
        {' '.repeat(LABEL_WIDTH + 1)}
        {stepAxisText(lastStep, plotWidth)}
      </Text>
    </Box>
  );
}

/** Score (from benchmark points) and training loss against steps, side by side. */
export function ChartPanel({ state, width, rows }: { state: DashboardState; width: number; rows: number }) {
  const lastStep = state.totalSteps > 0 ? state.totalSteps : Math.max(1, state.step);
  const gap = 2;
  const half = Math.floor((width - gap) / 2);
  const latestScore = state.scoreHistory.at(-1)?.value ?? null;
  const best = state.bestScore ? `  best ${formatPercent(state.bestScore.value)} at ${state.bestScore.step}` : '';
  return (
    <Box width={width}>
      <SeriesChart
        title="score"
        value={`${formatPercent(latestScore)}${best}`}
        samples={state.scoreHistory}
        label={(v) => formatPercent(v)}
        colour="green"
        lastStep={lastStep}
        width={half}
        rows={rows}
      />
      <Box width={gap} />
      <SeriesChart
        title="loss"
        value={formatFixed(state.latestLoss, 3)}
        samples={state.lossHistory}
        label={(v) => formatFixed(v, 2)}
        colour="magenta"
        lastStep={lastStep}
        width={width - half - gap}
        rows={rows}
      />
    </Box>
  );
}
