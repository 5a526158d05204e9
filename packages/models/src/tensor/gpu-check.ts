/**
 * A matmul slower than this on a backend that claims a GPU is a CPU in disguise: any GPU of the
 * last decade does several hundred GFLOP/s even on a 1024x1024 product.
 */
export const MIN_GPU_GFLOPS = 100;

const FIX = 'tfjs-node-gpu 4.22 needs CUDA 11.2 and cuDNN 8.1 on the library path; otherwise use --backend tensorflow';

/**
 * Whether a backend that should compute on a GPU really does, from what it reports and how fast
 * it multiplied. tfjs-node-gpu 4.22 silently falls back to the CPU on newer CUDA versions.
 */
export function assessGpuBackend(reportsGpu: boolean, matmulGflops: number): { onGpu: boolean; warnings: string[] } {
  if (!reportsGpu) {
    return {
      onGpu: false,
      warnings: [`WARNING: tensorflow-gpu is computing on the CPU, not the GPU: TensorFlow found no usable GPU (${FIX}).`],
    };
  }
  if (!(matmulGflops >= MIN_GPU_GFLOPS)) {
    return {
      onGpu: false,
      warnings: [
        `WARNING: tensorflow-gpu reports a GPU but a 1024x1024 matmul ran at ${matmulGflops.toFixed(1)} GFLOP/s, ` +
          `a CPU's speed (${FIX}).`,
      ],
    };
  }
  return { onGpu: true, warnings: [] };
}
