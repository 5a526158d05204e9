/**
 * Faults inside a run, done for real: a learning rate that sends the loss to NaN, and selector
 * plugins that break their contract. Each stops the run at the step it shows, with status
 * `failed`, a message that names what went wrong, and every point and checkpoint before it kept.
 */
import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RunEvents,
  isRunFailure,
  isUserInputError,
  parsePoints,
  type BenchmarkPoint,
  type RunConfig,
  type RunConfigInput,
  type RunFailure,
  type Selection,
  type Selector,
  type SelectorFactory,
} from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { initBackend } from '@sieve/models';
import { train } from './train';
import { syntheticContrastiveDataset } from './testing/synthetic-dataset';
import { tinyRunConfig } from './testing/tiny-run-config';
import { LossGuard, checkFinite } from './numerical-guards';
import { pluginFrames } from './selector-faults';

afterAll(removeTempDirs);

const BATCH = 8;
const SUPER_BATCH = 40;

function configFor(out: string, overrides: Partial<RunConfigInput> = {}): RunConfig {
  return tinyRunConfig(out, { steps: 12, evalEvery: 2, model: { hiddenDim: 16, embeddingDim: 8, textEmbeddingDim: 8 }, ...overrides });
}

/** What a misbehaving selector returns: its indices, or a whole selection. */
type Returned = Int32Array | Selection;

/** A selector that picks the first b candidates, and from step `badFrom` on returns `bad(step)` instead. */
function misbehaving(name: string, badFrom: number, bad: (step: number) => Promise<Returned> | Returned): SelectorFactory {
  return {
    name,
    summary: 'test selector',
    create(): Selector {
      return {
        name,
        async select(context) {
          const returned = context.step >= badFrom ? await bad(context.step) : Int32Array.from({ length: BATCH }, (_, i) => i);
          return ArrayBuffer.isView(returned) ? { indices: returned as Int32Array } : (returned as Selection);
        },
      };
    },
  };
}

const firstB: SelectorFactory = misbehaving('first-b', Infinity, () => new Int32Array(0));

/** One engine run of `factory`; `stopAtStep` asks it to stop after that step, as Ctrl-C does. */
async function runEngine(
  out: string,
  factory: SelectorFactory,
  options: { overrides?: Partial<RunConfigInput>; resume?: boolean; stopAtStep?: number; warnings?: string[]; phases?: string[] } = {},
) {
  const config = configFor(out, options.overrides);
  const events = new RunEvents();
  const control = { stopRequested: false };
  events.subscribe((event) => {
    if (event.type === 'step' && event.step === options.stopAtStep) control.stopRequested = true;
    if (event.type === 'warning') options.warnings?.push(event.message);
    if (event.type === 'phase-start') options.phases?.push(event.phase);
  });
  return train({
    config,
    dataset: syntheticContrastiveDataset(),
    selectorFactory: factory,
    selector: factory.create({ task: 'contrastive', batchSize: BATCH, superBatchSize: SUPER_BATCH, chunks: 2, seed: 1, options: {} }),
    selectorPlugin: './my-plugin.ts',
    backendName: 'wasm',
    meter: null,
    events,
    runId: 'fault-test',
    control,
    resume: options.resume,
  });
}

function pointsOf(out: string): BenchmarkPoint[] {
  return parsePoints(readFileSync(join(out, 'points.jsonl'), 'utf8'), 'points.jsonl').points;
}

/** What a resumed run must reproduce exactly: everything but the clocks and the joules. */
const metrics = (p: BenchmarkPoint) => [p.step, p.trainLoss, p.score, p.flopsTotal, p.selection.makeUp];

/** Runs `factory` to its end or its failure; returns the failure (null if none) and what is on disk. */
async function runToFailure(out: string, factory: SelectorFactory, overrides: Partial<RunConfigInput> = {}) {
  let failure: RunFailure | null = null;
  try {
    await runEngine(out, factory, { overrides });
  } catch (error) {
    if (!isRunFailure(error)) throw error;
    failure = error;
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const steps = readFileSync(join(out, 'points.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line).step as number);
  const checkpointStep = existsSync(join(out, 'checkpoint', 'state.json'))
    ? (JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8')).step as number)
    : null;
  return { failure, summary, steps, checkpointStep, leftovers: readdirSync(out).filter((name) => name.includes('.tmp')) };
}

describe('numerical guards', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('LossGuard: a non-finite loss, or one over the factor times the first, stops the run (hand-worked)', () => {
    const guard = new LossGuard(100, null, 0.002);
    guard.check(1, 2.0); // the first loss: 2.0
    guard.check(2, 199.9); // under 100 x 2.0
    guard.check(3, 200); // at it, not over
    const over = (() => {
      try {
        guard.check(4, 200.1);
      } catch (error) {
        return error as RunFailure;
      }
    })();
    expect(over?.failure).toMatchObject({ step: 4, phase: 'training' });
    expect(over?.failure.message).toMatch(/diverged: loss 200\.1 is over 100x the first step's \(2\.000\).*guards\.divergenceFactor/);
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => new LossGuard(100, 2, 0.002).check(7, bad)).toThrow(new RegExp(`step 7, training: the training loss is ${bad}`));
    }
    // A resumed run judges against the first loss kept in its checkpoint.
    expect(() => new LossGuard(10, 1, 0.002).check(50, 10.5)).toThrow(/over 10x the first step's \(1\.000\)/);
  });

  it('checkFinite names the matrix and the first bad entry', () => {
    expect(() => checkFinite(Float32Array.from([0.1, 0.2, NaN, Infinity]), "the learner model's fine losses", 5, 'scoring')).toThrow(
      /^step 5, scoring: the learner model's fine losses holds NaN at entry 2; .*optimizer\.learningRate/,
    );
    expect(() => checkFinite(Float32Array.from([0, 1e30, -3]), 'x', 1, 'scoring')).not.toThrow();
  });

  it('a learning rate of 1e30: the run fails at the first bad step, points and checkpoint before it kept', async () => {
    const out = join(tempDir('sieve-faults-'), 'run');
    const { failure, summary, steps, checkpointStep, leftovers } = await runToFailure(out, firstB, {
      optimizer: { learningRate: 1e30, warmupSteps: 0 },
      evalEvery: 1,
    });
    expect(failure).not.toBeNull();
    const { step, phase, message } = failure!.failure;
    expect(['training', 'checkpoint']).toContain(phase);
    expect(message).toMatch(/NaN|Infinity|diverged/);
    expect(message).toMatch(/optimizer\.learningRate/);
    expect(summary.status).toBe('failed');
    expect(summary.failure).toEqual(failure!.failure);
    expect(summary.steps).toBe(step - 1);
    // Every point before the fault, none from it on; the checkpoint is the last good one.
    expect(steps).toEqual(Array.from({ length: step - 1 }, (_, i) => i + 1));
    expect(checkpointStep).toBe(step === 1 ? null : step - 1);
    expect(leftovers).toEqual([]);
  }, 120_000);

  it('NaN losses never reach a selector: a learner-scoring selector fails in scoring or training, never silently uniform', async () => {
    const scoring: SelectorFactory = {
      name: 'scores',
      summary: 'test selector',
      create: () => ({
        name: 'scores',
        async select(context) {
          const losses = await context.losses('learner');
          // Only ever reached with finite losses.
          for (const value of losses.values) if (!Number.isFinite(value)) throw new Error('a NaN reached the selector');
          return { indices: Int32Array.from({ length: BATCH }, (_, i) => i) };
        },
      }),
    };
    const out = join(tempDir('sieve-faults-'), 'run');
    const { failure, summary } = await runToFailure(out, scoring, { optimizer: { learningRate: 1e30, warmupSteps: 0 }, evalEvery: 1 });
    expect(summary.status).toBe('failed');
    expect(['scoring', 'training', 'checkpoint']).toContain(failure!.failure.phase);
    expect(failure!.failure.message).not.toMatch(/reached the selector/);
  }, 120_000);
});

describe('selector plugins that break the contract', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const firstEight = () => Int32Array.from({ length: BATCH }, (_, i) => i);
  const cases: { name: string; bad: (step: number) => Promise<Returned> | Returned; message: RegExp }[] = [
    { name: 'too few indices', bad: () => Int32Array.from([0, 1, 2]), message: /returned 3 indices; a selection must be exactly 8 distinct whole numbers in \[0, 40\)/ },
    { name: 'a duplicate', bad: () => Int32Array.from([0, 1, 2, 3, 4, 5, 6, 6]), message: /returned 6 twice/ },
    { name: 'out of range', bad: () => Int32Array.from([0, 1, 2, 3, 4, 5, 6, 40]), message: /returned 40, out of range, at position 7/ },
    { name: 'not whole numbers', bad: () => Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7.5]) as unknown as Int32Array, message: /returned 7\.5, not a whole number, at position 7/ },
    {
      name: 'training resolutions of the wrong length',
      bad: () => ({ indices: firstEight(), trainingResolutions: ['fine', 'coarse'] }),
      message: /returned 2 trainingResolutions for 8 indices; give one "fine" or "coarse" per index, or none\. Fix the plugin and resume the run\./,
    },
    { name: 'a training resolution that is none', bad: () => ({ indices: firstEight(), trainingResolutions: Array(8).fill('half') }), message: /returned trainingResolutions\[0\] = "half"; each must be "fine" or "coarse"/ },
    { name: 'a diagnostic that is not a number', bad: () => ({ indices: firstEight(), diagnostics: { share: NaN } }), message: /returned diagnostic share = NaN; diagnostics must be finite numbers/ },
    {
      name: 'a throw',
      bad: () => {
        throw new TypeError('cannot read the scores');
      },
      message: /threw: cannot read the scores\n\s+at .*faults\.test\.ts/,
    },
    {
      name: 'leaked tensors',
      bad: () => {
        tf.zeros([3]);
        tf.ones([2]);
        return Int32Array.from({ length: BATCH }, (_, i) => i);
      },
      message: /left 2 tensors undisposed in one select\(\); wrap its tensor work in tf\.tidy/,
    },
  ];
  for (const { name, bad, message } of cases) {
    it(`${name}: stopped at that step naming the selector and plugin, earlier points kept`, async () => {
      const out = join(tempDir('sieve-faults-'), 'run');
      const { failure, summary, steps, checkpointStep } = await runToFailure(out, misbehaving('broken', 5, bad));
      expect(failure!.failure).toMatchObject({ step: 5, phase: 'selection' });
      expect(failure!.message).toMatch(/^step 5, selection: selector "broken" \(plugin \.\/my-plugin\.ts\) /);
      expect(failure!.message).toMatch(message);
      // No frame of the engine in what the plugin's author reads.
      expect(failure!.message).not.toMatch(/packages[\\/]engine[\\/]src[\\/]train\.ts/);
      expect(failure!.message).toMatch(/Kept in .*: every point up to step 4 and the checkpoint at that step\./);
      expect(summary).toMatchObject({ status: 'failed', steps: 4 });
      expect(steps).toEqual([2, 4]);
      expect(checkpointStep).toBe(4);
    }, 120_000);
  }

  it("pluginFrames keeps the frames above the engine's", () => {
    const stack = [
      'TypeError: x',
      '    at select (/home/me/my-plugin/src/index.ts:10:5)',
      '    at helper (/repo/node_modules/lib/index.js:1:1)',
      '    at train (/repo/packages/engine/src/train.ts:270:40)',
      '    at runTrain (/repo/packages/trainer/src/run-train.ts:90:5)',
    ].join('\n');
    expect(pluginFrames(stack)).toEqual(['    at select (/home/me/my-plugin/src/index.ts:10:5)', '    at helper (/repo/node_modules/lib/index.js:1:1)']);
  });
});

describe('the reference is prepared before step 1, for selectors that declare it', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const asksReference = (needs: Selector['needs']): SelectorFactory => ({
    name: 'asks-reference',
    summary: 'test selector',
    create: () => ({
      name: 'asks-reference',
      needs,
      async select(context) {
        await context.losses('reference');
        return { indices: Int32Array.from({ length: BATCH }, (_, i) => i) };
      },
    }),
  });

  it('a reference cache below a file: a UserInputError naming the cache and its setting, before the reference trains or a step runs', async () => {
    const root = tempDir('sieve-faults-');
    writeFileSync(join(root, 'a-file'), 'x');
    const phases: string[] = [];
    const error = await runEngine(join(root, 'run'), asksReference({ referenceModel: true }), {
      overrides: { data: { cacheDir: join(root, 'a-file', 'sub') } },
      phases,
    }).catch((caught: unknown) => caught);
    expect(isUserInputError(error)).toBe(true);
    expect(error).toMatchObject({ field: 'data.cacheDir', problem: expect.stringMatching(/^cannot write the reference model's cache folder: a part of .*a-file.* is a file, not a folder \(ENOTDIR\); set data\.cacheDir/) });
    expect((error as Error).message).not.toMatch(/plugin|selector/);
    expect(phases).not.toContain('reference-training');
    expect(existsSync(join(root, 'run', 'points.jsonl'))).toBe(false);
  }, 120_000);

  it("a selector asking for the reference without declaring it fails at step 1, naming its plugin and the needs to add; no reference is trained", async () => {
    const out = join(tempDir('sieve-faults-'), 'run');
    const phases: string[] = [];
    const error = await runEngine(out, asksReference(undefined), { phases }).catch((caught: unknown) => caught);
    expect(isRunFailure(error)).toBe(true);
    expect((error as RunFailure).failure).toMatchObject({ step: 1, phase: 'selection' });
    expect((error as RunFailure).failure.message).toMatch(/selector "asks-reference" \(plugin \.\/my-plugin\.ts\) threw: .*needs: \{ referenceModel: true \}/);
    expect(phases).not.toContain('reference-training');
  }, 120_000);
});

describe('resuming from what a crash leaves', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  /** A run stopped after step 6 (points 2, 4, 6 and a checkpoint at 6), and the same run uninterrupted. */
  async function stoppedAndWhole() {
    const root = tempDir('sieve-resume-faults-');
    const whole = join(root, 'whole');
    await runEngine(whole, firstB);
    const broken = join(root, 'broken');
    await runEngine(broken, firstB, { stopAtStep: 6 });
    return { whole, broken };
  }

  it('a torn last line in points.jsonl and events.jsonl is dropped with a warning, and the points match an uninterrupted run', async () => {
    const { whole, broken } = await stoppedAndWhole();
    appendFileSync(join(broken, 'points.jsonl'), '{"step":8,"trainLoss":1.2,"sco');
    appendFileSync(join(broken, 'events.jsonl'), '{"type":"step","st');
    const warnings: string[] = [];
    const summary = await runEngine(broken, firstB, { resume: true, warnings });
    expect(summary.status).toBe('completed');
    expect(warnings).toEqual([
      'dropped the torn last line of points.jsonl (a write cut short when the run was killed); it is written again',
      'dropped the torn last line of events.jsonl (a write cut short when the run was killed); it is written again',
    ]);
    expect(pointsOf(broken).map(metrics)).toEqual(pointsOf(whole).map(metrics));
    // events.jsonl is whole JSON lines again.
    for (const line of readFileSync(join(broken, 'events.jsonl'), 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  }, 120_000);

  it('a damaged newest checkpoint: the previous one is used, with a warning', async () => {
    const { whole, broken } = await stoppedAndWhole();
    // The previous checkpoint, as a crash between saveCheckpoint's renames leaves it; then the newest torn.
    cpSync(join(broken, 'checkpoint'), join(broken, 'checkpoint.old'), { recursive: true });
    writeFileSync(join(broken, 'checkpoint', 'state.json'), '{"version":1,"st');
    const warnings: string[] = [];
    await runEngine(broken, firstB, { resume: true, warnings });
    expect(warnings[0]).toMatch(/checkpoint[\\/]state\.json is not valid JSON; trying the previous checkpoint/);
    expect(pointsOf(broken).map(metrics)).toEqual(pointsOf(whole).map(metrics));
  }, 120_000);

  it('weights that fail their hash, with no previous checkpoint: refused naming the file', async () => {
    const { broken } = await stoppedAndWhole();
    const dir = join(broken, 'checkpoint', 'learner');
    const weights = join(dir, readdirSync(dir).find((name) => name.startsWith('weights-'))!);
    const bytes = readFileSync(weights);
    bytes[100] ^= 0x01; // one flipped bit, same size
    writeFileSync(weights, bytes);
    const error = await runEngine(broken, firstB, { resume: true }).catch((caught: unknown) => caught);
    expect(isUserInputError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^--resume: no usable checkpoint in .*weights-[0-9a-f]{16}\.bin: does not match its content hash; the checkpoint is damaged/);
    // Nothing written before was touched.
    expect(pointsOf(broken).map((p) => p.step)).toEqual([2, 4, 6]);
  }, 120_000);

  it('a loop state of another version: refused, saying which version', async () => {
    const { broken } = await stoppedAndWhole();
    const statePath = join(broken, 'checkpoint', 'state.json');
    writeFileSync(statePath, JSON.stringify({ ...JSON.parse(readFileSync(statePath, 'utf8')), version: 0 }));
    const error = await runEngine(broken, firstB, { resume: true }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/state\.json is loop-state version 0; this Sieve reads version 1\. Resume it with the Sieve that wrote it, or start the run again\./);
  }, 120_000);
});
