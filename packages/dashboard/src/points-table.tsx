/** @jsxRuntime automatic */
import { Box, Text } from 'ink';
import type { BenchmarkPoint, TaskKind } from '@sieve/core';
import { formatFixed, formatJoules, formatPercent } from './format';

interface Column {
  header: string;
  width: number;
  cell: (point: BenchmarkPoint) => string;
  /** Left out first when the table is too wide for the terminal. */
  optional?: boolean;
}


/**
 * Columns of the points table that fit in `width`; units live in the headers so that the
 * cells stay aligned. Optional columns go first when the table would not fit.
 */
export function pointColumns(taskKind: TaskKind, width = Number.POSITIVE_INFINITY, retrieval = false): Column[] {
  const accuracy: Column[] =
    taskKind === 'classification'
      ? [{ header: 'test acc', width: 10, cell: (p) => formatPercent(p.testAccuracy) }]
      : retrieval
        ? [
            // Task files: recall@1 both ways (the score is their mean), and recall@10 image to text.
            { header: 'i→t R@1', width: 10, cell: (p) => formatPercent(p.retrieval?.imageToText.at1 ?? null) },
            { header: 't→i R@1', width: 10, cell: (p) => formatPercent(p.retrieval?.textToImage.at1 ?? null) },
            { header: 'i→t R@10', width: 11, cell: (p) => formatPercent(p.retrieval?.imageToText.at10 ?? null), optional: true },
          ]
        : [
            { header: 'zero-shot', width: 11, cell: (p) => formatPercent(p.zeroShotAccuracy) },
            { header: 'attribute', width: 11, cell: (p) => formatPercent(p.attributeZeroShotAccuracy) },
          ];
  const all: Column[] = [
    { header: 'step', width: 6, cell: (p) => String(p.step) },
    { header: 'score', width: 8, cell: (p) => formatPercent(p.score) },
    ...accuracy,
    { header: 'loss', width: 8, cell: (p) => formatFixed(p.trainLoss, 3), optional: true },
    // Units per cell (J, kJ, MJ): a short run's few joules stay readable next to a long run's kJ.
    { header: 'energy', width: 10, cell: (p) => formatJoules(p.energy.joulesTotal) },
    { header: 'since last', width: 13, cell: (p) => formatJoules(p.energy.joulesSinceLastPoint) },
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
  const columns = pointColumns(taskKind, width, points.some((point) => point.retrieval));
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
