/**
 * How the dashboard arranges itself for a terminal size. Widths: 80 columns and more
 * show everything (capped at MAX_WIDTH so that lines stay readable), 60 to 79 drop the
 * chart, under 60 a compact single column. Heights: blank separators, then the chart,
 * then table and warning rows give way so that a frame stays shorter than the terminal
 * (ink redraws a frame as tall as the screen by clearing it, which flickers).
 */
export type LayoutMode = 'wide' | 'medium' | 'compact';

export interface DashboardLayout {
  mode: LayoutMode;
  width: number;
  /** Blank lines between sections: 1, or 0 on short terminals. */
  separatorLines: number;
  /** Rows of braille chart; 0 hides the chart. */
  chartRows: number;
  /** Benchmark points shown (the latest ones). */
  pointRows: number;
  /** Warnings shown (the latest ones). */
  warningRows: number;
}

export const MAX_WIDTH = 120;
export const MIN_WIDTH = 20;
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 40;

/**
 * Lines a wide or medium frame takes besides separators, chart, points and warnings:
 * header 3, progress 2, energy beside selection 8, points title and column header 2,
 * footer 1 (see DashboardView).
 */
export const FIXED_LINES = 16;
/** Sections always preceded by a separator: progress, energy, points, footer. */
export const SEPARATED_SECTIONS = 4;
/** Chart title and step axis (its separator comes on top). */
const CHART_FRAME_LINES = 2;

/**
 * @param hasWarnings whether the warnings section is drawn (its title and rows are
 *   budgeted only then, so that a run without warnings shows more points instead)
 */
export function layoutFor(columns: number | undefined, rows: number | undefined, hasWarnings = true): DashboardLayout {
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.floor(columns || DEFAULT_COLUMNS)));
  const height = Math.max(10, Math.floor(rows || DEFAULT_ROWS));
  if (width < 60) {
    return { mode: 'compact', width, separatorLines: 0, chartRows: 0, pointRows: 0, warningRows: hasWarnings ? 1 : 0 };
  }
  const mode: LayoutMode = width >= 80 ? 'wide' : 'medium';
  // ink needs the frame at least one line shorter than the screen to redraw in place.
  const usable = height - 1;
  const sections = SEPARATED_SECTIONS + (hasWarnings ? 1 : 0);
  const fixed = FIXED_LINES + (hasWarnings ? 1 : 0);
  // One point row, and one warning row when there are warnings, at least.
  let pointRows = 1;
  let warningRows = hasWarnings ? 1 : 0;
  const least = fixed + pointRows + warningRows;
  const separatorLines = usable - least - sections >= 0 ? 1 : 0;
  let spare = usable - least - sections * separatorLines;
  const take = (wanted: number): number => {
    const granted = Math.max(0, Math.min(wanted, spare));
    spare -= granted;
    return granted;
  };
  pointRows += take(1);
  let chartRows = 0;
  const chartFrame = CHART_FRAME_LINES + separatorLines;
  if (mode === 'wide' && spare >= chartFrame + 3) {
    chartRows = Math.min(6, spare - chartFrame);
    spare -= chartRows + chartFrame;
  }
  pointRows += take(4);
  if (hasWarnings) warningRows += take(2);
  return { mode, width, separatorLines, chartRows, pointRows, warningRows };
}
