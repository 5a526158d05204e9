import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpListsField, parseHelpQueryGpu } from './nvidia-smi-help';

describe('parseHelpQueryGpu', () => {
  it('help-query-gpu-power.txt: every power field with its aliases and description', () => {
    const help = parseHelpQueryGpu(readFileSync(new URL('../fixtures/nvidia-smi/help-query-gpu-power.txt', import.meta.url), 'utf8'));
    expect(help.map((f) => f.names)).toEqual([
      ['power.draw'],
      ['power.draw.average', 'gpu.power.draw.average'],
      ['power.draw.instant', 'gpu.power.draw.instant'],
      ['power.limit', 'gpu.power.requested_limit'],
      ['enforced.power.limit', 'gpu.power.current_limit'],
    ]);
    expect(help[0].description).toMatch(/^The last measured power draw for the entire board, in watts\. On Ampere or newer devices, returns average power draw over 1 sec\./);
    expect(helpListsField(help, 'power.draw.instant')).toBe(true);
    expect(helpListsField(help, 'gpu.power.draw.instant')).toBe(true);
    expect(helpListsField(help, 'energy.total')).toBe(false);
  });

  it('finds no instant power in an older driver’s help', () => {
    const help = parseHelpQueryGpu('"power.draw"\nThe last measured power draw for the entire board, in watts.\n\n"power.limit"\nThe software power limit in watts.\n');
    expect(helpListsField(help, 'power.draw.instant')).toBe(false);
    expect(helpListsField(help, 'power.draw')).toBe(true);
  });
});
