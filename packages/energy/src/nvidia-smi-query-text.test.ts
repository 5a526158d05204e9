import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findValues, parseNvidiaSmiQueryText } from './nvidia-smi-query-text';

describe('parseNvidiaSmiQueryText', () => {
  it('h100-q-power-section.txt: nested power readings, bare N/A', () => {
    const text = readFileSync(new URL('../fixtures/nvidia-smi/h100-q-power-section.txt', import.meta.url), 'utf8');
    const parsed = parseNvidiaSmiQueryText(text);
    expect(Object.keys(parsed)).toEqual(['GPU Power Readings', 'GPU Memory Power Readings', 'Module Power Readings']);
    expect(parsed['GPU Power Readings']).toMatchObject({
      'Average Power Draw': { kind: 'number', value: 629.45, unit: 'W' },
      'Instantaneous Power Draw': { kind: 'number', value: 588.39, unit: 'W' },
      'Current Power Limit': { value: 700 },
      'Min Power Limit': { value: 200 },
    });
    expect(parsed['GPU Memory Power Readings']).toEqual({
      'Average Power Draw': { kind: 'number', value: 85.83, unit: 'W', raw: '85.83 W' },
      'Instantaneous Power Draw': { kind: 'missing', reason: 'N/A', raw: 'N/A' },
    });
    expect(findValues(parsed, 'Instantaneous Power Draw').map(({ path, value }) => [path[0], value.raw])).toEqual([
      ['GPU Power Readings', '588.39 W'],
      ['GPU Memory Power Readings', 'N/A'],
      ['Module Power Readings', 'N/A'],
    ]);
  });

  it('nests GPUs and sections by indentation, and keeps colons inside values', () => {
    const parsed = parseNvidiaSmiQueryText(
      [
        '==============NVSMI LOG==============',
        '',
        'Timestamp                                 : Sat Mar  7 00:20:37 2026',
        'Attached GPUs                             : 1',
        'GPU 00000000:01:00.0',
        '    Product Name                          : NVIDIA H100 80GB HBM3',
        '    GPU Power Readings',
        '        Instantaneous Power Draw          : [Not Supported]',
      ].join('\n'),
    );
    expect(parsed.Timestamp).toMatchObject({ kind: 'text', value: 'Sat Mar  7 00:20:37 2026' });
    expect(parsed['GPU 00000000:01:00.0']).toMatchObject({
      'Product Name': { value: 'NVIDIA H100 80GB HBM3' },
      'GPU Power Readings': { 'Instantaneous Power Draw': { kind: 'missing', reason: 'Not Supported' } },
    });
  });
});
