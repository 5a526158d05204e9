import { describe, expect, it } from 'vitest';
import { Rng, isUserInputError, type LossMatrix, type Selector, type SelectorFactory, type SelectorPlugin, type SelectorSettings, type TaskKind } from '@sieve/core';
import { fixedScoringContext, randomPairwiseLosses, randomPerExampleLosses, randomUnitEmbeddings } from './scoring-context-fixture';
import { selectionProblems } from '../selection-contract';
import { asSelectorFactory } from '../selector-plugin';
import { liveTensorCount } from './live-tensors';

/** What `describeSelectorConformance` runs the contract with. */
export interface ConformanceOptions {
  /** The task kinds the selector supports (default both). */
  tasks?: readonly TaskKind[];
  /** `selectorOptions` every case runs with (default none). */
  options?: Record<string, unknown>;
  /**
   * Options the selector must refuse, each with the field its `UserInputError` names. An
   * unknown option (`{ notAnOption: 1 }` naming `selectorOptions.notAnOption`) is always tried.
   */
  badOptions?: readonly { options: Record<string, unknown>; field: string }[];
}

/** One shape of the problem: N candidates, b chosen, n chunks. */
interface Shape {
  name: string;
  superBatchSize: number;
  batchSize: number;
  chunks: number;
}

const SHAPES: readonly Shape[] = [
  { name: 'N = 40, b = 8, n = 4 (f = 0.8)', superBatchSize: 40, batchSize: 8, chunks: 4 },
  { name: 'N = b = 8 (nothing to filter)', superBatchSize: 8, batchSize: 8, chunks: 4 },
  { name: 'b = 1, n = 1', superBatchSize: 10, batchSize: 1, chunks: 1 },
  { name: 'n = 1 (one chunk)', superBatchSize: 40, batchSize: 8, chunks: 1 },
];

const NOISE_TAG_NAMES = ['clean', 'duplicate', 'mismatched', 'junk'];

/**
 * Everything a selector's context can be asked for, for one shape and task: random learner
 * losses (fine and coarse), reference losses, the pool's reference losses, its reference image
 * embeddings (contrastive task; every third a near-duplicate of the one before) and noise tags.
 */
function contextFor(factory: SelectorFactory, selector: Selector, task: TaskKind, shape: Shape, seed: number, step: number) {
  const rng = new Rng(1000 + shape.superBatchSize);
  const losses = (): LossMatrix => (task === 'contrastive' ? randomPairwiseLosses(rng, shape.superBatchSize) : randomPerExampleLosses(rng, shape.superBatchSize));
  const learner = losses();
  const coarseLearner = losses();
  const reference = losses();
  const poolReferenceLosses = Float32Array.from({ length: shape.superBatchSize }, () => rng.nextFloat() * 5);
  const noiseTags = Array.from({ length: shape.superBatchSize }, (_, i) => NOISE_TAG_NAMES[i % NOISE_TAG_NAMES.length]);
  return fixedScoringContext({
    batchSize: shape.batchSize,
    task,
    seed,
    step,
    learner,
    coarseLearner,
    reference,
    poolReferenceLosses,
    poolReferenceImageEmbeddings: task === 'contrastive' ? randomUnitEmbeddings(rng, shape.superBatchSize, 8, 3) : undefined,
    noiseTags,
    seesNoiseTags: factory.seesNoiseTags === true,
    needs: selector.needs ?? {},
    selectorName: factory.name,
  });
}

function settingsFor(task: TaskKind, shape: Shape, options: Record<string, unknown>, seed = 0): SelectorSettings {
  return { task, batchSize: shape.batchSize, superBatchSize: shape.superBatchSize, chunks: shape.chunks, seed, options };
}

/**
 * The selector contract as a vitest suite: call it at the top level of a test file with your
 * plugin (or, for a plugin of the inversify form, its factory). It checks, on random losses, for
 * each task kind and for the edge shapes N = b, b = 1 and n = 1:
 * - it asks for nothing its `needs` leave out (the reference's losses and embeddings, the pool's
 *   losses), which the engine would refuse at step 1;
 * - `select()` returns a selection the engine accepts (`selectionProblems`, the engine's own
 *   check): exactly b distinct whole-number indices in [0, N), in an Int32Array; one "fine" or
 *   "coarse" per index in `trainingResolutions`, when given; finite diagnostics;
 * - the same seed and step give the same selection (resume is exact only then);
 * - no TensorFlow.js tensor is left behind;
 * - bad options are refused with a `UserInputError` naming the field.
 *
 * @example
 * import { describeSelectorConformance } from '@sieve/selection/testing';
 * import mySelector from './index';
 * describeSelectorConformance(mySelector, { badOptions: [{ options: { low: -1 }, field: 'selectorOptions.low' }] });
 */
export function describeSelectorConformance(selector: SelectorPlugin | SelectorFactory, conformance: ConformanceOptions = {}): void {
  const factory = asSelectorFactory(selector);
  const tasks = conformance.tasks ?? ['contrastive', 'classification'];
  const options = conformance.options ?? {};
  describe(`selector "${factory.name}" meets the selector contract`, () => {
    for (const task of tasks) {
      for (const shape of SHAPES) {
        it(`${task}, ${shape.name}: b distinct indices in [0, N), well-formed resolutions and diagnostics, no tensors left`, async () => {
          const selector = factory.create(settingsFor(task, shape, options));
          const tensorsBefore = await liveTensorCount();
          for (const step of [1, 2, 3]) {
            const selection = await selector.select(contextFor(factory, selector, task, shape, 0, step));
            expect(selectionProblems(selection, shape.superBatchSize, shape.batchSize), `step ${step}`).toEqual([]);
          }
          expect(await liveTensorCount(), 'live tensors after three selections: dispose what select() creates, or wrap it in tf.tidy').toBe(tensorsBefore);
        });
      }
      it(`${task}: the same seed and step give the same selection, so that a resumed run is exact`, async () => {
        const shape = SHAPES[0];
        const draw = async () => {
          const selector = factory.create(settingsFor(task, shape, options, 5));
          return Array.from((await selector.select(contextFor(factory, selector, task, shape, 5, 7))).indices);
        };
        expect(await draw(), 'a selector must be a pure function of its settings and its context (use context.rng, not Math.random)').toEqual(await draw());
      });
    }
    const unknownOption = { options: { ...options, notAnOption: 1 }, field: 'selectorOptions.notAnOption' };
    for (const bad of [unknownOption, ...(conformance.badOptions ?? [])]) {
      it(`refuses options ${JSON.stringify(bad.options)} with a UserInputError naming ${bad.field}`, () => {
        let caught: unknown = null;
        try {
          factory.create(settingsFor(tasks[0], SHAPES[0], bad.options));
        } catch (error) {
          caught = error;
        }
        expect(isUserInputError(caught), `create() must throw a UserInputError for ${JSON.stringify(bad.options)}, not ${String(caught)}`).toBe(true);
        expect((caught as { field: string }).field).toBe(bad.field);
      });
    }
  });
}
