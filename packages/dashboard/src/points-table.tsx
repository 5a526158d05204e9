/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import type { BenchmarkPoint, TaskKind } from '@sieve/core';
import { formatFixed, formatPercent } from './format';

interface Column {
  header: string;
  width: number;
  cell: (point: BenchmarkPoint) => string;
  /** Left out first when the table is too wide for the terminal. */
  optional?: boolean;
}

const kilojoules = (joules: number | null) => (joules === null ? '-' : formatFixed(joules / 1000, 2));

/**
 * Columns of the points table that fit in `width`; units live in the headers so that the
 * cells stay aligned. Optional columns go first when the table would not fit.
 */
export function pointColumns(taskKind: TaskKind, width = Number.POSITIVE_INFINITY): Column[] {
  const accuracy: Column[] =
    taskKind === 'classification'
      ? [{ header: 'test acc', width: 10, cell: (p) => formatPercent(p.testAccuracy) }]
      : [
          { header: 'zero-shot', width: 11, cell: (p) => formatPercent(p.zeroShotAccuracy) },
          { header: 'attribute', width: 11, cell: (p) => formatPercent(p.attributeZeroShotAccuracy) },
        ];
  const all: Column[] = [
    { header: 'step', width: 6, cell: (p) => String(p.step) },
    { header: 'score', width: 8, cell: (p) => formatPercent(p.score) },
    ...accuracy,
    { header: 'loss', width: 8, cell: (p) => formatFixed(p.trainLoss, 3), optional: true },
    { header: 'kJ', width: 9, cell: (p) => kilojoules(p.energy.joulesTotal) },
    { header: 'J since last', width: 14, cell: (p) => formatFixed(p.energy.joulesSinceLastPoint, 1) },
  ];
  const total = (columns: Column[]) => columns.reduce((sum, column) => sum + column.width, 0);
  return total(all) <= width ? all : all.filter((column) => !column.optional);
}

const row = (columns: Column[], cells: string[]) => cells.map((cell, i) => cell.padStart(columns[i].width)).join('');

/** The latest `rows` benchmark points, newest last. */
export function PointsTable({
  points,
  taskKind,
  rows,
  width,
}: {
  points: BenchmarkPoint[];
  taskKind: TaskKind;
  rows: number;
  width: number;
}) {
  const columns = pointColumns(taskKind, width);
  const shown = points.slice(Math.max(0, points.length - rows));
  const omitted = points.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>Benchmark points</Text>
        <Text color="gray">{omitted > 0 ? `  latest ${shown.length} of ${points.length}` : ''}</Text>
      </Text>
      <Text color="gray" wrap="truncate">
        {row(columns, columns.map((column) => column.header))}
      </Text>
      {shown.length === 0 ? <Text color="gray">no point yet</Text> : null}
      {shown.map((point) => (
        <Text key={point.step} wrap="truncate">
          {row(columns, columns.map((column) => column.cell(point)))}
        </Text>
      ))}
    </Box>
  );
}
