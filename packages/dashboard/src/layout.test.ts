import { describe, expect, it } from 'vitest';
import { FIXED_LINES, SEPARATED_SECTIONS, layoutFor } from './layout';

/** Lines the frame takes for a layout, counted the way DashboardView stacks its sections. */
function frameLines(layout: ReturnType<typeof layoutFor>): number {
  const chart = layout.chartRows > 0 ? layout.chartRows + 2 + layout.separatorLines : 0;
  const warnings = layout.warningRows > 0 ? 1 + layout.warningRows + layout.separatorLines : 0;
  return FIXED_LINES + SEPARATED_SECTIONS * layout.separatorLines + chart + layout.pointRows + warnings;
}

describe('layoutFor', () => {
  it('picks the mode from the width and caps very wide terminals', () => {
    expect(layoutFor(200, 50)).toMatchObject({ mode: 'wide', width: 120 });
    expect(layoutFor(80, 40)).toMatchObject({ mode: 'wide', width: 80 });
    expect(layoutFor(79, 40)).toMatchObject({ mode: 'medium', chartRows: 0 });
    expect(layoutFor(60, 40)).toMatchObject({ mode: 'medium' });
    expect(layoutFor(59, 40)).toMatchObject({ mode: 'compact', width: 59 });
    expect(layoutFor(5, 40)).toMatchObject({ mode: 'compact', width: 20 });
    expect(layoutFor(undefined, undefined)).toMatchObject({ mode: 'wide', width: 80 });
  });

  it('gives a tall wide terminal the full chart, points and warnings', () => {
    expect(layoutFor(80, 40)).toEqual({
      mode: 'wide',
      width: 80,
      separatorLines: 1,
      chartRows: 6,
      pointRows: 6,
      warningRows: 2,
    });
  });

  it('drops separators and the chart on an 80 x 24 terminal, keeping a frame shorter than the screen', () => {
    const layout = layoutFor(80, 24);
    expect(layout).toMatchObject({ separatorLines: 0, chartRows: 0 });
    expect(frameLines(layout)).toBeLessThanOrEqual(23);
    expect(layout.pointRows).toBeGreaterThanOrEqual(2);
  });

  it('never plans a frame taller than the terminal allows, from 24 rows up', () => {
    for (const hasWarnings of [true, false]) {
      for (const columns of [60, 80, 120]) {
        for (let rows = 24; rows <= 60; rows++) {
          const layout = layoutFor(columns, rows, hasWarnings);
          expect(frameLines(layout)).toBeLessThanOrEqual(rows - 1);
          expect(layout.pointRows).toBeGreaterThanOrEqual(1);
          expect(layout.warningRows).toBe(hasWarnings ? Math.max(1, layout.warningRows) : 0);
        }
      }
    }
  });

  it('gives the lines of an absent warnings section to separators and the chart', () => {
    expect(layoutFor(80, 24, true).separatorLines).toBe(0);
    expect(layoutFor(80, 24, false)).toMatchObject({ separatorLines: 1, pointRows: 3, warningRows: 0 });
    expect(layoutFor(80, 30, true).chartRows).toBe(0);
    expect(layoutFor(80, 30, false).chartRows).toBe(4);
    expect(layoutFor(80, 40, false)).toMatchObject({ chartRows: 6, pointRows: 6, warningRows: 0 });
  });
});
