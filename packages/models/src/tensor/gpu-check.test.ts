import { describe, expect, it } from 'vitest';
import { assessGpuBackend, MIN_GPU_GFLOPS } from './gpu-check';

describe('assessGpuBackend', () => {
  it('trusts a backend that reports a GPU and multiplies at GPU speed', () => {
    expect(assessGpuBackend(true, 5_000)).toEqual({ onGpu: true, warnings: [] });
  });

  it('warns loudly when TensorFlow found no GPU, naming the CUDA versions it needs', () => {
    const result = assessGpuBackend(false, 5_000);
    expect(result.onGpu).toBe(false);
    expect(result.warnings[0]).toMatch(/^WARNING: tensorflow-gpu is computing on the CPU/);
    expect(result.warnings[0]).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('does not believe a GPU that multiplies at CPU speed', () => {
    const result = assessGpuBackend(true, MIN_GPU_GFLOPS / 4);
    expect(result.onGpu).toBe(false);
    expect(result.warnings[0]).toMatch(/ran at 25\.0 GFLOP\/s, a CPU's speed/);
    expect(assessGpuBackend(true, Number.NaN).onGpu).toBe(false);
  });
});
