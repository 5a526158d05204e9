import { performance } from 'node:perf_hooks';
import { runConfigSchema } from '@sieve/core';
import { loadDataset, type ContrastiveDataset } from '@sieve/data';
import { initBackend } from '@sieve/tensor';
import { createContrastiveModel } from '@sieve/models';
import { modelSpecOf } from '@sieve/engine';
const config = runConfigSchema.parse({ steps: 1, batchSize: 128, filterRatio: 0.8, chunks: 16, seed: 0, evalEvery: 1, out: 'unused', energy: { enabled: false }, dashboard: false });
await initBackend('wasm');
const dataset = (await loadDataset(config)).dataset as ContrastiveDataset;
const spec = modelSpecOf(config, dataset);
const learner = createContrastiveModel(spec, 0);
const px = dataset.imageSide ** 2;
const b = 128;
const images = new Float32Array(b * px).map(() => Math.random());
const tokens = new Int32Array(b * dataset.maxTokens).map(() => 1 + Math.floor(Math.random() * 20));
const times: number[] = [];
const cpu0 = process.cpuUsage();
for (let s = 0; s < 200; s++) {
  const t = performance.now();
  await learner.trainStep({ images, tokens, count: b }, 1e-4);
  times.push(performance.now() - t);
}
const c = process.cpuUsage(cpu0);
const chunk = (a: number, z: number) => (times.slice(a, z).reduce((x, y) => x + y, 0) / (z - a)).toFixed(1);
console.log('step1', times[0].toFixed(1), 'steps2-10', chunk(1, 10), '10-20', chunk(10, 20), '20-50', chunk(20, 50), '50-100', chunk(50, 100), '100-200', chunk(100, 200), 'cpu s', ((c.user + c.system) / 1e6).toFixed(2), 'wall s', (times.reduce((x, y) => x + y) / 1000).toFixed(2));
