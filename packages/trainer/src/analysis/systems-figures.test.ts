import { describe, expect, it } from 'vitest';
import { systemsRows, type SystemsFigures } from './systems-figures';

const none: SystemsFigures = { engineOverhead: null, jestSelection: null, meterCpuShare: null, memory: [] };

describe('the PyTorch peer in the systems figures', () => {
  it('gives Sieve against PyTorch on one thread for the step and the pass, with the ratios worked out', () => {
    const rows = systemsRows({
      ...none,
      peer: {
        torch: '1.13.0',
        rounds: 3,
        sieve: { trainingStep: { wallMs: 1.5, cpuMs: 3 }, scoringPass: { wallMs: 6, cpuMs: 6.6 } },
        pytorch: { trainingStep: { wallMs: 2, cpuMs: 2 }, scoringPass: { wallMs: 8, cpuMs: 6 } },
      },
    });
    expect(rows).toEqual([
      ['training step against PyTorch 1.13.0 (1 thread)', '1.50 ms wall, 3.00 ms CPU against 2.00 and 2.00 ms: 0.75x wall, 1.50x CPU (median of 3 rounds)'],
      ['scoring pass against PyTorch 1.13.0 (1 thread)', '6.00 ms wall, 6.60 ms CPU against 8.00 and 6.00 ms: 0.75x wall, 1.10x CPU (median of 3 rounds)'],
    ]);
  });

  it('says why where it was not measured, and nothing in results made before it', () => {
    expect(systemsRows({ ...none, peer: { unavailable: "python3 -c 'import torch' failed" } })).toEqual([
      ['against PyTorch (1 thread)', "not measured: python3 -c 'import torch' failed"],
    ]);
    expect(systemsRows(none)).toEqual([]);
    expect(systemsRows({ ...none, peer: null })).toEqual([]);
  });
});
