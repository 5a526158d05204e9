import { chmodSync, existsSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEvents, isUserInputError, runConfigSchema, type RunConfig } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { initBackend } from '@sieve/models';
import { modelSpecOf } from './model-spec';
import { PhaseLedger } from './phase-ledger';
import { embedReferenceShard, prepareReference, referenceCacheDir, referenceCacheKey, trainReferenceModel } from './reference-model';
import { EMBEDDING_CHUNK, shardRange } from './reference-cache';
import { syntheticContrastiveDataset } from './testing/synthetic-dataset';

afterAll(removeTempDirs);

const runsAsRoot = process.getuid?.() === 0;

/** Events of one call: its warnings and the phases it started. */
function recordingEvents(): { events: RunEvents; warnings: string[]; phases: string[] } {
  const events = new RunEvents();
  const warnings: string[] = [];
  const phases: string[] = [];
  events.subscribe((event) => {
    if (event.type === 'warning') warnings.push(event.message);
    if (event.type === 'phase-start') phases.push(event.phase);
  });
  return { events, warnings, phases };
}

function bytesOf(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function userErrorField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return error.field;
    throw error;
  }
  return undefined;
}

function configWith(maxShift: number): RunConfig {
  return runConfigSchema.parse({
    steps: 1,
    batchSize: 8,
    filterRatio: 0.8,
    chunks: 2,
    seed: 1,
    evalEvery: 1,
    out: 'unused',
    // A fresh cache for every call, so each one trains its own reference.
    data: { cacheDir: tempDir('sieve-reference-') },
    model: { hiddenDim: 16, embeddingDim: 8, textEmbeddingDim: 8, patchSize: 4, coarsePatchSize: 8 },
    reference: { steps: 20, batchSize: 16, maxShift },
    energy: { enabled: false },
  });
}

async function poolImageEmbeddings(config: RunConfig): Promise<Float32Array> {
  const dataset = syntheticContrastiveDataset();
  const result = await prepareReference(config, modelSpecOf(config, dataset), dataset, new PhaseLedger(null), new RunEvents());
  if (result.scores.kind !== 'contrastive') throw new Error('expected contrastive scores');
  expect(result.reusedFromCache).toBe(false);
  return result.scores.imageEmbeddings;
}

describe('reference model training', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains on randomly shifted curated images when maxShift > 0, reproducibly for a seed', async () => {
    const plain = await poolImageEmbeddings(configWith(0));
    const shifted = await poolImageEmbeddings(configWith(2));
    const shiftedAgain = await poolImageEmbeddings(configWith(2));
    expect(shiftedAgain).toEqual(shifted);
    expect(shifted).not.toEqual(plain);
  });

  it('keys its cache by the augmentation, so a changed maxShift never reuses a stale model', () => {
    const dataset = syntheticContrastiveDataset();
    const key = (maxShift: number) => {
      const config = configWith(maxShift);
      return referenceCacheKey({ ...config, data: { ...config.data, cacheDir: join('any') } }, modelSpecOf(config, dataset), dataset);
    };
    expect(key(2)).toBe(key(2));
    expect(key(1)).not.toBe(key(2));
  });
});

describe('shardRange', () => {
  it('splits the pool into whole chunks that cover every row once, in order', () => {
    for (const poolCount of [1, 2048, 2049, 56_000, 100_003]) {
      const chunks = Math.ceil(poolCount / EMBEDDING_CHUNK);
      for (const shards of [1, 2, 3, chunks]) {
        if (shards > chunks) continue;
        let next = 0;
        for (let shard = 0; shard < shards; shard++) {
          const { start, count } = shardRange(poolCount, shard, shards);
          expect(start).toBe(next);
          expect(start % EMBEDDING_CHUNK).toBe(0);
          expect(count).toBeGreaterThan(0);
          next = start + count;
        }
        expect(next).toBe(poolCount);
      }
    }
    expect(shardRange(56_000, 1, 2)).toEqual({ start: 28_672, count: 27_328 }); // 28 chunks, 14 each
  });

  it('refuses more shards than chunks, naming --shards', () => {
    expect(userErrorField(() => shardRange(5000, 0, 4))).toBe('--shards');
    expect(userErrorField(() => shardRange(5000, 0, 0))).toBe('--shards');
  });
});

describe('sharded pool scores', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('K shards written in any order read back byte for byte as one process wrote them, under the same key and cost', async () => {
    const dataset = syntheticContrastiveDataset({ poolCount: 5000 }); // 3 chunks
    const single = configWith(0);
    const spec = modelSpecOf(single, dataset);
    const whole = await prepareReference(single, spec, dataset, new PhaseLedger(null), new RunEvents());

    const sharded = configWith(0);
    await expect(embedReferenceShard(sharded, spec, dataset, 0, 3, new PhaseLedger(null), new RunEvents())).rejects.toMatchObject({ field: '--shard' });
    const trained = await trainReferenceModel(sharded, spec, dataset, new PhaseLedger(null), new RunEvents());
    expect(trained).toMatchObject({ cacheKey: whole.cacheKey, reused: false, trainingFlops: whole.trainingFlops });
    for (const shard of [2, 0, 1]) await embedReferenceShard(sharded, spec, dataset, shard, 3, new PhaseLedger(null), new RunEvents());
    const again = await embedReferenceShard(sharded, spec, dataset, 1, 3, new PhaseLedger(null), new RunEvents());
    expect(again.reused).toBe(true);

    const read = await prepareReference(sharded, spec, dataset, new PhaseLedger(null), new RunEvents());
    expect(read.reusedFromCache).toBe(true);
    expect(read.cacheKey).toBe(whole.cacheKey);
    if (read.scores.kind !== 'contrastive' || whole.scores.kind !== 'contrastive') throw new Error('expected contrastive scores');
    const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    expect(bytes(read.scores.imageEmbeddings).equals(bytes(whole.scores.imageEmbeddings))).toBe(true);
    expect(bytes(read.scores.textEmbeddings).equals(bytes(whole.scores.textEmbeddings))).toBe(true);
    expect(read.scores.temperature).toBe(whole.scores.temperature);
    expect(read.embeddingFlops).toBe(whole.embeddingFlops);
  }, 120_000);

  it('an incomplete set of shards is not read: the run embeds the pool itself, with the same result', async () => {
    const dataset = syntheticContrastiveDataset({ poolCount: 5000 });
    const config = configWith(0);
    const spec = modelSpecOf(config, dataset);
    await trainReferenceModel(config, spec, dataset, new PhaseLedger(null), new RunEvents());
    await embedReferenceShard(config, spec, dataset, 0, 3, new PhaseLedger(null), new RunEvents());
    const result = await prepareReference(config, spec, dataset, new PhaseLedger(null), new RunEvents());
    expect(result.reusedFromCache).toBe(false);
    // The trained model is reused: no second training charged to the run's cost records.
    const fresh = await prepareReference(configWith(0), spec, dataset, new PhaseLedger(null), new RunEvents());
    if (result.scores.kind !== 'contrastive' || fresh.scores.kind !== 'contrastive') throw new Error('expected contrastive scores');
    expect(result.scores.imageEmbeddings).toEqual(fresh.scores.imageEmbeddings);
    expect(result.trainingFlops).toBe(fresh.trainingFlops);
  }, 120_000);
});

describe('the reference cache, damaged or unwritable', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('a cached model with truncated weights is trained again, with a warning, to the scores of a fresh run', async () => {
    const dataset = syntheticContrastiveDataset();
    const config = configWith(0);
    const spec = modelSpecOf(config, dataset);
    const fresh = await prepareReference(config, spec, dataset, new PhaseLedger(null), new RunEvents());
    const dir = referenceCacheDir(config, fresh.cacheKey);
    // The pool's scores gone (so the model is needed) and its weights cut short, as a full disk or a kill leaves them.
    const weights = join(dir, 'model', readdirSync(join(dir, 'model')).find((name) => name.startsWith('weights-'))!);
    truncateSync(weights, statSync(weights).size / 2);
    rmSync(join(dir, 'embeddings'), { recursive: true });

    const { events, warnings, phases } = recordingEvents();
    const rebuilt = await prepareReference(config, spec, dataset, new PhaseLedger(null), events);
    expect(warnings).toEqual([
      `the cached reference model in ${dir} is damaged (model/${basename(weights)}: is missing or has the wrong size); training it again`,
    ]);
    expect(phases).toContain('reference-training');
    if (rebuilt.scores.kind !== 'contrastive' || fresh.scores.kind !== 'contrastive') throw new Error('expected contrastive scores');
    expect(bytesOf(rebuilt.scores.imageEmbeddings).equals(bytesOf(fresh.scores.imageEmbeddings))).toBe(true);
    expect(bytesOf(rebuilt.scores.textEmbeddings).equals(bytesOf(fresh.scores.textEmbeddings))).toBe(true);

    // The model written again is whole: the next run that needs it loads it without a word.
    rmSync(join(dir, 'embeddings'), { recursive: true });
    const next = recordingEvents();
    await prepareReference(config, spec, dataset, new PhaseLedger(null), next.events);
    expect(next.warnings).toEqual([]);
    expect(next.phases).not.toContain('reference-training');
  }, 120_000);

  it('a shard task refuses a damaged cached model and leaves it for embed-reference to train again', async () => {
    const dataset = syntheticContrastiveDataset({ poolCount: 5000 });
    const config = configWith(0);
    const spec = modelSpecOf(config, dataset);
    const trained = await trainReferenceModel(config, spec, dataset, new PhaseLedger(null), new RunEvents());
    const dir = referenceCacheDir(config, trained.cacheKey);
    const weights = join(dir, 'model', readdirSync(join(dir, 'model')).find((name) => name.startsWith('weights-'))!);
    writeFileSync(weights, Buffer.alloc(statSync(weights).size)); // the right size, the wrong bytes
    await expect(embedReferenceShard(config, spec, dataset, 0, 3, new PhaseLedger(null), new RunEvents())).rejects.toMatchObject({
      field: '--shard',
      problem: expect.stringMatching(/^the cached reference model in .* is damaged \(model\/weights-[0-9a-f]+\.bin: does not match its content hash\); run embed-reference again/),
    });
    expect((await trainReferenceModel(config, spec, dataset, new PhaseLedger(null), new RunEvents())).reused).toBe(false);
  }, 120_000);

  it('a cache folder below a file is named with its setting before any training (ENOTDIR, also as root)', async () => {
    const root = tempDir('sieve-reference-');
    writeFileSync(join(root, 'a-file'), 'x');
    const dataset = syntheticContrastiveDataset();
    const config = { ...configWith(0), data: { ...configWith(0).data, cacheDir: join(root, 'a-file', 'sub') } };
    const { events, phases } = recordingEvents();
    const failure = prepareReference(config, modelSpecOf(config, dataset), dataset, new PhaseLedger(null), events);
    await expect(failure).rejects.toMatchObject({
      name: 'UserInputError',
      field: 'data.cacheDir',
      problem: expect.stringMatching(
        new RegExp(`^cannot write the reference model's cache folder: a part of ${join(root, 'a-file', 'sub', 'reference')}/[0-9a-f]{16} is a file, not a folder \\(ENOTDIR\\); set data\\.cacheDir in a config file to a folder you can write\\.$`),
      ),
    });
    expect(phases).toEqual([]); // found before a step of training

    const own = { ...config, reference: { ...config.reference, cacheDir: join(root, 'a-file', 'reference') } };
    await expect(trainReferenceModel(own, modelSpecOf(own, dataset), dataset, new PhaseLedger(null), new RunEvents())).rejects.toMatchObject({ field: 'reference.cacheDir' });
  });

  it.skipIf(runsAsRoot)('a cache folder without write permission is named before any training (skipped as root: root ignores permissions)', async () => {
    const root = tempDir('sieve-reference-');
    chmodSync(root, 0o500);
    try {
      const dataset = syntheticContrastiveDataset();
      const config = { ...configWith(0), data: { ...configWith(0).data, cacheDir: join(root, 'cache') } };
      const { events, phases } = recordingEvents();
      await expect(prepareReference(config, modelSpecOf(config, dataset), dataset, new PhaseLedger(null), events)).rejects.toMatchObject({
        field: 'data.cacheDir',
        problem: expect.stringMatching(/permission denied on .*\(EACCES\); set data\.cacheDir in a config file to a folder you can write\.$/),
      });
      expect(phases).toEqual([]);
      expect(existsSync(join(root, 'cache'))).toBe(false);
    } finally {
      chmodSync(root, 0o700);
    }
  });
});
