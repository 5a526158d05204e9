/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { syntheticPoint } from './testing/synthetic-run';
import { PointsTable, pointColumns } from './points-table';

describe('PointsTable', () => {
  const { points } = stateOf(handMadeEvents());

  it('aligns the latest points under headers that carry the units', () => {
    const lines = frameOf(<PointsTable points={points} taskKind="contrastive" rows={5} width={80} />).split('\n');
    expect(lines).toEqual([
      'Benchmark points',
      '  step   score  zero-shot  attribute    loss    energy   since last',
      '   550   39.0%      50.0%      20.0%   3.000         -            -',
      '   600   41.2%      61.0%      21.4%   2.500   12.3 kJ        812 J',
    ]);
  });

  it('shows only the latest rows and says how many there are', () => {
    const many = Array.from({ length: 9 }, (_, i) => syntheticPoint({ step: (i + 1) * 50 }));
    const lines = frameOf(<PointsTable points={many} taskKind="contrastive" rows={2} width={80} />).split('\n');
    expect(lines[0]).toBe('Benchmark points  latest 2 of 9');
    expect(lines.slice(2).map((line) => line.trim().split(/\s+/)[0])).toEqual(['400', '450']);
  });

  it('uses test accuracy for classification and drops the loss column when narrow', () => {
    expect(pointColumns('classification').map((c) => c.header)).toEqual(['step', 'score', 'test acc', 'loss', 'energy', 'since last']);
    expect(pointColumns('contrastive', 60).map((c) => c.header)).toEqual(['step', 'score', 'zero-shot', 'attribute', 'energy', 'since last']);
    expect(frameOf(<PointsTable points={[]} taskKind="classification" rows={3} width={80} />)).toContain('no point yet');
  });

  it('shows recall for captioned data without classes (task files), the score being their mean', () => {
    const point = {
      ...syntheticPoint({ step: 100 }),
      score: 0.3,
      retrieval: { imageToText: { at1: 0.25, at5: 0.5, at10: 0.625 }, textToImage: { at1: 0.35, at5: 0.6, at10: 0.7 } },
    };
    const lines = frameOf(<PointsTable points={[point]} taskKind="contrastive" rows={3} width={100} />).split('\n');
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['step', 'score', 'i→t R@1', 't→i R@1', 'i→t R@10', 'loss', 'energy', 'since last']);
    expect(lines[2]).toMatch(/^\s+100\s+30\.0%\s+25\.0%\s+35\.0%\s+62\.5%/);
  });
});
