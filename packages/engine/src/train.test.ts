import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RUN_FILES,
  RunEvents,
  benchmarkPointSchema,
  parsePoints,
  type BenchmarkPoint,
  type EnergyMeter,
  type RunConfig,
  type RunEvent,
  type Selector,
  type SelectorFactory,
} from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { initBackend } from '@sieve/models';
import { createEnergyMeter } from '@sieve/energy';
import type { Dataset } from '@sieve/data';
import { train } from './train';
import { syntheticClassificationDataset, syntheticContrastiveDataset } from './testing/synthetic-dataset';
import { tinyRunConfig } from './testing/tiny-run-config';

afterAll(removeTempDirs);

/** A selector written in the test: uniform over the first half of the candidates' indices. */
const firstHalfFactory: SelectorFactory = {
  name: 'first-half',
  summary: 'test selector',
  create(settings): Selector {
    return {
      name: 'first-half',
      needs: { referenceModel: true },
      async select(context) {
        await context.losses('learner');
        await context.losses('reference');
        const indices = Int32Array.from(
          context.rng.sampleWithoutReplacement(Math.floor(context.superBatchSize / 2), settings.batchSize),
        );
        return { indices, diagnostics: { halfSize: context.superBatchSize / 2 } };
      },
    };
  },
};


/** Trains with `factory` and collects every event; `extra` resumes, passes a stop control or watches events. */
async function run(
  dataset: Dataset,
  config: RunConfig,
  factory = firstHalfFactory,
  meter: EnergyMeter | null = null,
  extra: { resume?: boolean; control?: { stopRequested: boolean }; onEvent?: (event: RunEvent) => void } = {},
) {
  const events = new RunEvents();
  const seen: RunEvent[] = [];
  events.subscribe((event) => {
    seen.push(event);
    extra.onEvent?.(event);
  });
  const summary = await train({
    config,
    dataset,
    selectorFactory: factory,
    selector: factory.create({ task: dataset.kind, batchSize: config.batchSize, superBatchSize: 40, chunks: config.chunks, seed: config.seed, options: {} }),
    backendName: 'wasm',
    meter,
    events,
    runId: 'test',
    resume: extra.resume,
    control: extra.control,
  });
  return { summary, seen };
}

function readPoints(dir: string): BenchmarkPoint[] {
  const path = join(dir, RUN_FILES.points);
  return parsePoints(readFileSync(path, 'utf8'), path).points;
}

describe('train', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('writes points and a summary with real FLOPs, timings and selection make-up', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    const { summary, seen } = await run(syntheticContrastiveDataset(), tinyRunConfig(out));
    const points = readPoints(out);
    expect(points.map((p) => p.step)).toEqual([10, 20]);
    for (const point of points) {
      expect(point.zeroShotAccuracy).toBeGreaterThanOrEqual(0);
      expect(point.attributeZeroShotAccuracy).toBeGreaterThanOrEqual(0);
      expect(point.score).toBeCloseTo((point.zeroShotAccuracy! + point.attributeZeroShotAccuracy!) / 2, 12);
      expect(point.flopsByPhase.training).toBeGreaterThan(0);
      expect(point.flopsByPhase.scoring).toBeGreaterThan(0);
      expect(point.flopsByPhase['reference-training']).toBeGreaterThan(0);
      expect(point.flopsTotal).toBeGreaterThan(point.flopsTotalWithoutReference);
      expect(point.secondsByPhase.training).toBeGreaterThan(0);
      expect(point.wallSeconds).toBeGreaterThan(0);
      expect(point.selection.makeUp.clean + point.selection.makeUp.mismatched).toBeCloseTo(1, 12);
      expect(point.selection.poolMakeUp).toEqual({ clean: 0.5, mismatched: 0.5 });
      // The selector's diagnostics, the engine's scoring FLOPs, and nothing the selector did not report.
      expect(Object.keys(point.selection.diagnostics).sort()).toEqual(['halfSize', 'learnerScoringFlopsCoarse', 'learnerScoringFlopsFine']);
      expect(point.selection.diagnostics.halfSize).toBe(20);
      // What the engine writes is a point of the one schema, every field typed as it says.
      expect(benchmarkPointSchema.safeParse(point).error).toBeUndefined();
      expect(point.energy.joulesTotal).toBeNull();
    }
    // Training FLOPs grow linearly with steps: 20 steps cost twice 10.
    expect(points[1].flopsByPhase.training).toBeCloseTo(2 * points[0].flopsByPhase.training, 6);
    expect(points[1].examplesTrained).toBe(160);
    expect(points[1].examplesScored).toBe(20 * 40);
    expect(summary.status).toBe('completed');
    expect(summary.steps).toBe(20);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).finalPoint.step).toBe(20);
    expect(existsSync(join(out, 'events.jsonl'))).toBe(true);
    expect(seen.filter((e) => e.type === 'step')).toHaveLength(20);
    expect(seen.at(-1)?.type).toBe('run-end');
  });

  it('gives identical metrics for the same seed, and reuses the cached reference model', async () => {
    const root = tempDir('sieve-train-');
    const first = await run(syntheticContrastiveDataset(), tinyRunConfig(join(root, 'a')));
    const second = await run(syntheticContrastiveDataset(), tinyRunConfig(join(root, 'b')));
    expect(first.summary.reference?.reusedFromCache).toBe(false);
    expect(second.summary.reference?.reusedFromCache).toBe(true);
    const metrics = (p: BenchmarkPoint) => [p.step, p.score, p.zeroShotAccuracy, p.attributeZeroShotAccuracy, p.trainLoss, p.selection.makeUp, p.flopsTotal];
    expect(readPoints(join(root, 'b')).map(metrics)).toEqual(readPoints(join(root, 'a')).map(metrics));
    const other = await run(syntheticContrastiveDataset(), tinyRunConfig(join(root, 'c'), { seed: 2 }));
    expect(other.summary.finalPoint?.trainLoss).not.toBe(first.summary.finalPoint?.trainLoss);
  });

  it('trains the classification task and reports test accuracy', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    const { summary } = await run(syntheticClassificationDataset(), tinyRunConfig(out, { task: 'fashion-noisy-labels' }));
    const final = summary.finalPoint!;
    expect(final.testAccuracy).not.toBeNull();
    expect(final.zeroShotAccuracy).toBeNull();
    expect(final.score).toBe(final.testAccuracy);
    expect(final.selection.poolMakeUp).toEqual({ clean: 0.5, flipped: 0.5 });
  });

  it('keeps the tensor count flat from step 100 to step 1,000', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    await run(syntheticContrastiveDataset(), tinyRunConfig(out, { steps: 1000, evalEvery: 100, reference: { steps: 5, batchSize: 16, hiddenDim: 16, embeddingDim: 8 } }));
    const points = readPoints(out);
    const at = (step: number) => points.find((p) => p.step === step)!.tensorCount;
    expect(at(1000)).toBe(at(100));
  }, 240_000);

  it('puts estimated joules in every point, per phase, and writes energy.csv', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    const meter = createEnergyMeter({ sources: ['estimate'], wattsPerCore: 10, sampleIntervalMs: 20 });
    await meter.start();
    const { summary } = await run(syntheticContrastiveDataset(), tinyRunConfig(out, { energy: { enabled: true } }), firstHalfFactory, meter);
    await meter.stop();
    const points = readPoints(out);
    for (const point of points) {
      expect(point.energy.kind).toBe('estimated');
      expect(point.energy.sources).toEqual([{ name: 'estimate', measured: false }]);
      expect(point.energy.joulesTotal).toBeGreaterThan(0);
      expect(point.energy.joulesByPhase!.training).toBeGreaterThan(0);
      expect(point.energy.joulesSinceLastPoint).toBeGreaterThan(0);
    }
    // Cumulative joules are the running sum of the intervals.
    expect(points[1].energy.joulesTotal).toBeCloseTo(points[0].energy.joulesTotal! + points[1].energy.joulesSinceLastPoint!, 9);
    const csv = readFileSync(join(out, 'energy.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,phase,seconds,joules,kind,coverage');
    expect(csv).toHaveLength(1 + 2 * 5); // two points x five phases
    const trainingRows = csv.filter((line) => line.split(',')[1] === 'training');
    const csvTrainingJoules = trainingRows.reduce((sum, line) => sum + Number(line.split(',')[3]), 0);
    expect(csvTrainingJoules).toBeCloseTo(points[1].energy.joulesByPhase!.training, 6);
    expect(summary.meterOverhead?.fraction).toBeGreaterThanOrEqual(0);
  });

  it('resumes after a crash from the last checkpoint and gives the same points as an uninterrupted run', async () => {
    const root = tempDir('sieve-train-');
    const whole = join(root, 'whole');
    await run(syntheticContrastiveDataset(), tinyRunConfig(whole, { evalEvery: 5 }));

    // A selector that fails at step 13: the run dies after its checkpoint at step 10.
    const crashing: SelectorFactory = {
      ...firstHalfFactory,
      create(settings) {
        const inner = firstHalfFactory.create(settings);
        return {
          name: 'first-half',
          needs: inner.needs,
          async select(context) {
            if (context.step === 13) throw new Error('simulated crash');
            return inner.select(context);
          },
        };
      },
    };
    const broken = join(root, 'broken');
    await expect(run(syntheticContrastiveDataset(), tinyRunConfig(broken, { evalEvery: 5 }), crashing)).rejects.toThrow('simulated crash');
    expect(readPoints(broken).map((p) => p.step)).toEqual([5, 10]);

    const { summary } = await run(syntheticContrastiveDataset(), tinyRunConfig(broken, { evalEvery: 5 }), firstHalfFactory, null, { resume: true });
    expect(summary.steps).toBe(20);
    const metrics = (p: BenchmarkPoint) => [p.step, p.score, p.zeroShotAccuracy, p.attributeZeroShotAccuracy, p.trainLoss, p.selection.makeUp, p.flopsTotal, p.examplesScored];
    expect(readPoints(broken).map(metrics)).toEqual(readPoints(whole).map(metrics));
  });

  it('never trains or charges a reference model for a selector that does not ask for one', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    const blind: SelectorFactory = {
      name: 'blind',
      summary: 'test selector that reads no losses',
      create: (settings) => ({
        name: 'blind',
        select: async (context) => ({ indices: context.rng.sampleWithoutReplacement(context.superBatchSize, settings.batchSize) }),
      }),
    };
    const { summary, seen } = await run(syntheticContrastiveDataset(), tinyRunConfig(out), blind);
    expect(summary.reference).toBeNull();
    expect(summary.flopsByPhase['reference-training']).toBe(0);
    expect(summary.flopsByPhase.scoring).toBe(0);
    expect(seen.some((event) => event.type === 'phase-start' && event.phase === 'reference-training')).toBe(false);
    const final = readPoints(out).at(-1)!;
    expect(final.flopsTotal).toBe(final.flopsTotalWithoutReference);
    expect(final.examplesScored).toBe(0);
  });

  it("computes the pool's reference losses once per run, charges them to scoring once, and not again on resume", async () => {
    const seenArrays = new Set<Float32Array>();
    const poolReader = (crashAt = 0): SelectorFactory => ({
      name: 'pool-reader',
      summary: 'test selector that reads only the pool reference losses',
      create: (settings) => ({
        name: 'pool-reader',
        needs: { poolReferenceLosses: true },
        async select(context) {
          if (context.step === crashAt) throw new Error('simulated crash');
          const losses = await context.poolReferenceLosses();
          seenArrays.add(losses);
          expect(context.candidatePoolIndices).toHaveLength(context.superBatchSize);
          return { indices: context.rng.sampleWithoutReplacement(context.superBatchSize, settings.batchSize) };
        },
      }),
    });
    const root = tempDir('sieve-train-');
    const whole = join(root, 'whole');
    const { summary } = await run(syntheticContrastiveDataset(), tinyRunConfig(whole, { evalEvery: 5 }), poolReader());
    expect(seenArrays.size).toBe(1);
    expect([...seenArrays][0]).toHaveLength(400);
    expect(summary.reference).not.toBeNull();
    // 400 pool examples x (one 8-dimensional dot product, 16 FLOPs, + one sigmoid loss, 10), once.
    const points = readPoints(whole);
    for (const point of points) {
      expect(point.flopsByPhase.scoring).toBe(400 * 26);
      expect(point.examplesScored).toBe(0);
    }

    const broken = join(root, 'broken');
    await expect(run(syntheticContrastiveDataset(), tinyRunConfig(broken, { evalEvery: 5 }), poolReader(13))).rejects.toThrow('simulated crash');
    await run(syntheticContrastiveDataset(), tinyRunConfig(broken, { evalEvery: 5 }), poolReader(), null, { resume: true });
    const flops = (p: BenchmarkPoint) => [p.step, p.flopsByPhase.scoring, p.flopsTotal];
    expect(readPoints(broken).map(flops)).toEqual(points.map(flops));
  });

  it('resumes a folder without a checkpoint (killed before its first point) from step 0, to the points of a fresh run', async () => {
    const root = tempDir('sieve-train-');
    const fresh = join(root, 'fresh');
    await run(syntheticContrastiveDataset(), tinyRunConfig(fresh), firstHalfFactory);
    const killed = join(root, 'killed');
    mkdirSync(killed);
    // A point written just before the kill, with no checkpoint after it: dropped and written again.
    writeFileSync(join(killed, 'points.jsonl'), readFileSync(join(fresh, 'points.jsonl'), 'utf8').split('\n')[0] + '\n');
    const { summary } = await run(syntheticContrastiveDataset(), tinyRunConfig(killed), firstHalfFactory, null, { resume: true });
    expect(summary.status).toBe('completed');
    const metrics = (p: BenchmarkPoint) => [p.step, p.trainLoss, p.score, p.flopsTotal];
    expect(readPoints(killed).map(metrics)).toEqual(readPoints(fresh).map(metrics));
  });

  it('stops gracefully when asked: a final point and a summary marked stopped', async () => {
    const root = tempDir('sieve-train-');
    const out = join(root, 'run');
    const control = { stopRequested: false };
    const { summary } = await run(syntheticContrastiveDataset(), tinyRunConfig(out), firstHalfFactory, null, {
      control,
      onEvent: (event) => {
        if (event.type === 'step' && event.step === 13) control.stopRequested = true;
      },
    });
    expect(summary.status).toBe('stopped');
    expect(summary.steps).toBe(13);
    expect(readPoints(out).map((p) => p.step)).toEqual([10, 13]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('stopped');
  });
});
