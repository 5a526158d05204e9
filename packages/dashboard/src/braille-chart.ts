/**
 * A line chart drawn with braille characters: each character is a 2 x 4 grid of dots,
 * so a chart W characters wide and H rows high has 2W x 4H points of resolution.
 */

export interface ChartRange {
  min: number;
  max: number;
}

export interface ChartSample {
  x: number;
  y: number;
}

export interface BrailleChartOptions {
  widthChars: number;
  heightRows: number;
  x: ChartRange;
  y: ChartRange;
}

const BRAILLE_BLANK = 0x2800;
// Bit of each dot, indexed [column][row from the top] within one character.
const DOT_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

/** The range of the values, widened when they are all equal so that a line still shows. */
export function chartRangeOf(values: readonly number[]): ChartRange {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (max > min) return { min, max };
  const half = Math.abs(min) * 0.1 || 0.5;
  return { min: min - half, max: max + half };
}

function toDot(value: number, range: ChartRange, dots: number): number {
  const span = range.max - range.min;
  const fraction = span > 0 ? (value - range.min) / span : 0;
  return Math.min(dots - 1, Math.max(0, Math.round(fraction * (dots - 1))));
}

/**
 * Draws the samples (averaged per dot column, consecutive columns joined by a line).
 * Returns `heightRows` strings of exactly `widthChars` characters; empty cells are spaces.
 */
export function renderBrailleChart(samples: readonly ChartSample[], options: BrailleChartOptions): string[] {
  const widthChars = Math.max(0, Math.floor(options.widthChars));
  const heightRows = Math.max(0, Math.floor(options.heightRows));
  const dotsWide = widthChars * 2;
  const dotsHigh = heightRows * 4;
  const cells = new Uint8Array(widthChars * heightRows);
  const setDot = (column: number, rowFromBottom: number): void => {
    const rowFromTop = dotsHigh - 1 - rowFromBottom;
    const cell = Math.floor(rowFromTop / 4) * widthChars + Math.floor(column / 2);
    cells[cell] |= DOT_BITS[column % 2][rowFromTop % 4];
  };

  if (dotsWide > 0 && dotsHigh > 0) {
    const sums = new Map<number, { total: number; count: number }>();
    for (const sample of samples) {
      if (!Number.isFinite(sample.x) || !Number.isFinite(sample.y)) continue;
      const column = toDot(sample.x, options.x, dotsWide);
      const bucket = sums.get(column) ?? { total: 0, count: 0 };
      bucket.total += sample.y;
      bucket.count += 1;
      sums.set(column, bucket);
    }
    const dots = [...sums.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([column, { total, count }]) => ({ column, row: toDot(total / count, options.y, dotsHigh) }));
    dots.forEach((dot, i) => {
      const previous = i > 0 ? dots[i - 1] : dot;
      const steps = Math.max(Math.abs(dot.column - previous.column), Math.abs(dot.row - previous.row));
      for (let t = 0; t <= steps; t++) {
        const f = steps === 0 ? 1 : t / steps;
        setDot(
          Math.round(previous.column + (dot.column - previous.column) * f),
          Math.round(previous.row + (dot.row - previous.row) * f),
        );
      }
    });
  }

  const lines: string[] = [];
  for (let row = 0; row < heightRows; row++) {
    let line = '';
    for (let column = 0; column < widthChars; column++) {
      const bits = cells[row * widthChars + column];
      line += bits === 0 ? ' ' : String.fromCharCode(BRAILLE_BLANK + bits);
    }
    lines.push(line);
  }
  return lines;
}
