import { describe, expect, it } from 'vitest';
import { chartRangeOf, renderBrailleChart } from './braille-chart';

describe('renderBrailleChart', () => {
  it('draws a rising diagonal in one character as the dots worked out by hand', () => {
    // Dot columns 0..1, rows 0..3 from the bottom: (0,0) -> (1,3), joined through (0,1) and (1,2).
    // Bits: left bottom 0x40, left row 1 0x04, right row 2 0x10, right top 0x08 = 0x5c.
    const lines = renderBrailleChart(
      [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
      { widthChars: 1, heightRows: 1, x: { min: 0, max: 1 }, y: { min: 0, max: 1 } },
    );
    expect(lines).toEqual([String.fromCharCode(0x285c)]);
  });

  it('draws a flat line at the minimum along the bottom dots and leaves the rest blank', () => {
    const samples = [0, 1, 2, 3, 4, 5].map((x) => ({ x, y: 0 }));
    const lines = renderBrailleChart(samples, { widthChars: 3, heightRows: 2, x: { min: 0, max: 5 }, y: { min: 0, max: 1 } });
    expect(lines).toEqual(['   ', '⣀⣀⣀']);
  });

  it('averages samples that fall in the same dot column', () => {
    // Both samples land in the single dot column 0..1 -> mean 0.5 of [0, 1] -> row round(1.5) = 2.
    const lines = renderBrailleChart(
      [
        { x: 0, y: 0 },
        { x: 0, y: 1 },
      ],
      { widthChars: 1, heightRows: 1, x: { min: 0, max: 10 }, y: { min: 0, max: 1 } },
    );
    expect(lines).toEqual([String.fromCharCode(0x2800 + 0x02)]);
  });

  it('always returns the requested size, blank when there is nothing to draw', () => {
    expect(renderBrailleChart([], { widthChars: 4, heightRows: 2, x: { min: 0, max: 1 }, y: { min: 0, max: 1 } })).toEqual([
      '    ',
      '    ',
    ]);
    const noisy = Array.from({ length: 500 }, (_, i) => ({ x: i, y: Math.sin(i / 20) }));
    const lines = renderBrailleChart(noisy, { widthChars: 30, heightRows: 5, x: { min: 0, max: 499 }, y: chartRangeOf(noisy.map((s) => s.y)) });
    expect(lines).toHaveLength(5);
    expect(lines.every((line) => [...line].length === 30)).toBe(true);
    // A continuous curve leaves no character column empty.
    for (let column = 0; column < 30; column++) expect(lines.some((line) => line[column] !== ' ')).toBe(true);
  });

  it('widens a range with no spread so that the line shows', () => {
    expect(chartRangeOf([2, 5, 3])).toEqual({ min: 2, max: 5 });
    expect(chartRangeOf([0.4, 0.4])).toEqual({ min: 0.36, max: 0.44000000000000006 });
    expect(chartRangeOf([0])).toEqual({ min: -0.5, max: 0.5 });
    expect(chartRangeOf([])).toEqual({ min: 0, max: 1 });
  });
});
