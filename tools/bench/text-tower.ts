/**
 * What the text tower costs as the vocabulary grows (task `files` keeps 8,192 words by default):
 * wall milliseconds of one learner training step (b captions, with the default 32 x 32 x 3 MLP image
 * tower) and of embedding a super-batch's N captions, at several vocabulary sizes, side by side in
 * one run (medians after a warm-up). Captions are 12 random words.
 *
 *   npx tsx tools/bench/text-tower.ts [--repeats 20] [--vocabularies 100,1024,8194]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Rng } from '@sieve/core';
import { initBackend, createContrastiveModel, type ModelSpec } from '@sieve/models';

const { values: flags } = parseArgs({
  options: { repeats: { type: 'string', default: '20' }, vocabularies: { type: 'string', default: '100,1024,8194' } },
});
const repeats = Number(flags.repeats);
const vocabularies = flags.vocabularies.split(',').map(Number);
const batch = 128;
const superBatch = 640;
const maxTokens = 32;
const side = 32;
const channels = 3;
await initBackend('wasm');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rng = new Rng(1);
const captions = (count: number, vocabularySize: number) => {
  const tokens = new Int32Array(count * maxTokens);
  for (let i = 0; i < count; i++) for (let t = 0; t < 12; t++) tokens[i * maxTokens + t] = 1 + rng.nextInt(vocabularySize - 1);
  return tokens;
};
const images = (count: number) => Float32Array.from({ length: count * side * side * channels }, () => rng.nextFloat());

console.log(`text tower cost, b = ${batch}, N = ${superBatch}, ${maxTokens} tokens (12 words), MLP image tower on ${side}x${side}x${channels}, ${repeats} repeats`);
console.log('| vocabulary | training step (ms) | embed N captions (ms) | text-tower FLOPs per step |');
console.log('| --- | --- | --- | --- |');
for (const vocabularySize of vocabularies) {
  const spec: ModelSpec = {
    imageSide: side,
    imageChannels: channels,
    imageTower: 'mlp',
    embeddingDim: 64,
    hiddenDim: 256,
    textEmbeddingDim: 64,
    patchSize: 8,
    coarsePatchSize: 16,
    vitDim: 64,
    vitDepth: 2,
    vitHeads: 4,
    vocabularySize,
    maxTokens,
    classCount: 0,
  };
  const model = createContrastiveModel(spec, 0);
  const batchInputs = { images: images(batch), tokens: captions(batch, vocabularySize), count: batch };
  const superTokens = captions(superBatch, vocabularySize);
  const step: number[] = [];
  const embed: number[] = [];
  for (let r = 0; r < repeats + 3; r++) {
    let start = performance.now();
    await model.trainStep(batchInputs, 1e-3);
    if (r >= 3) step.push(performance.now() - start);
    start = performance.now();
    await model.embedTexts(superTokens, superBatch);
    if (r >= 3) embed.push(performance.now() - start);
  }
  const textFlops = model.flops.embedTexts(batch) * 3;
  console.log(`| ${vocabularySize} | ${median(step).toFixed(2)} | ${median(embed).toFixed(2)} | ${(textFlops / 1e6).toFixed(0)} M |`);
  model.dispose();
}
