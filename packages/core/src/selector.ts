import type { z } from 'zod';
import type { Rng } from './rng';
import type { ModelRole, Resolution, TaskKind } from './types';

/**
 * Losses of one model over the N candidates of a super-batch.
 * - `pairwise` (contrastive task): `values[i * size + j]` is L_ij, the sigmoid loss of
 *   image i against text j (i = j the positive pair), row-major N x N.
 * - `per-example` (classification): `values[i]` is example i's loss. Its score matrix is
 *   diagonal, so joint selection reduces to independent selection.
 */
export type LossMatrix =
  | { kind: 'pairwise'; size: number; values: Float32Array }
  | { kind: 'per-example'; size: number; values: Float32Array };

export interface LossRequest {
  /** Resolution of the learner's image tower when scoring; the reference always runs fine. */
  resolution?: Resolution;
  /**
   * Positions in the super-batch (each in [0, N), distinct) to compute the losses over, in this
   * order; the matrix then has `candidates.length` rows and its entry i is candidate
   * `candidates[i]`. All N when unset. A cascade scores a prefiltered few this way, and pays
   * only for those.
   */
  candidates?: Int32Array;
}

/**
 * What a selector may ask about the current super-batch. Each quantity is computed
 * lazily, once per step (the pool's reference losses once per run), and its FLOPs, time
 * and energy are charged to the scoring phase.
 */
export interface ScoringContext {
  readonly task: TaskKind;
  /** 1-based learner step this selection is for. */
  readonly step: number;
  /** N, the number of candidates. */
  readonly superBatchSize: number;
  /** b, the number of indices the selector must return. */
  readonly batchSize: number;
  /** Seeded for this step: the same seed and step give the same stream. */
  readonly rng: Rng;
  /** The training-pool index of each candidate (length N); valid for this step only. */
  readonly candidatePoolIndices: Int32Array;
  /**
   * The model's losses over the candidates (all N, or `request.candidates`). Computed once per
   * step and request, then served from the step's cache: the same matrix goes to every caller,
   * so read it and never write into it (copy it first to change it). Non-finite losses never reach a selector: the run stops instead.
   *
   * @example
   * const learner = await context.losses('learner', { resolution: 'coarse' });
   * const diagonal = Float32Array.from({ length: learner.size }, (_, i) => learner.values[i * learner.size + i]);
   */
  losses(model: ModelRole, request?: LossRequest): Promise<LossMatrix>;
  /**
   * The frozen reference model's loss of every example of the training pool, indexed by pool
   * index (see `candidatePoolIndices`): on the contrastive task the positive-pair loss
   * L_ii = softplus(-(t <x_i, y_i> + b)) of each image with its own caption (the diagonal of
   * the reference's `pairwise` matrix), on classification each example's loss. Computed once
   * per run, the first time any step asks, with its FLOPs charged to the scoring phase then;
   * every call returns the same array, so do not write into it.
   */
  poolReferenceLosses(): Promise<Float32Array>;
  /**
   * The frozen reference model's image embedding of every example of the training pool (contrastive
   * task only), indexed by pool index like `poolReferenceLosses` (candidate i is row
   * `candidatePoolIndices[i]`). Each row is L2-normalised, so the dot product of two rows is their
   * cosine similarity. These are the embeddings the reference's losses are computed from, cached
   * once per run: no model runs and no FLOPs are charged. For selectors that look at what the
   * candidates are rather than how the models fit them: near-duplicates, diversity, coverage.
   * Every call returns the same array (`values`), so do not write into it. Throws a `UserInputError` on
   * classification, where the reference keeps losses only.
   *
   * @example
   * const { dim, values } = await context.poolReferenceImageEmbeddings();
   * const [a, b] = [context.candidatePoolIndices[0], context.candidatePoolIndices[1]];
   * let cosine = 0;
   * for (let d = 0; d < dim; d++) cosine += values[a * dim + d] * values[b * dim + d];
   */
  poolReferenceImageEmbeddings(): Promise<Embeddings>;
  /**
   * Ground-truth noise tag names of the candidates (`clean`, `duplicate`, ...).
   * Only for selectors whose factory sets `seesNoiseTags` (benchmark oracles); throws for others.
   */
  noiseTags(): readonly string[];
}

/** One embedding per row: `values` holds rows x `dim` numbers, row-major. */
export interface Embeddings {
  dim: number;
  values: Float32Array;
}

/**
 * What `select` returns. `selectionProblems` in `@sieve/selection` checks all of it, in the engine
 * (a bad selection stops the run at that step, naming the plugin) and in the conformance kit.
 */
export interface Selection {
  /** b distinct whole numbers, indices into the super-batch, each in [0, N). */
  indices: Int32Array;
  /** Resolution to train each chosen example at: one `fine` or `coarse` per index, in the same order; default all `fine`. */
  trainingResolutions?: Resolution[];
  /** Finite numbers to average and report at the next benchmark point, e.g. `{ coarseFineSpearman: 0.8 }`. */
  diagnostics?: Record<string, number>;
}

/**
 * Chooses the batch each step. What the engine relies on, beyond the types:
 * - `select` returns a `Selection` that meets its contract (exactly b distinct whole-number indices
 *   in [0, N), ...); anything else stops the run at that step with a message naming the plugin
 *   (so do throwing and leaking tensors).
 * - It is a pure function of the selector's settings and its context: randomness comes from
 *   `context.rng` only, never `Math.random` or state carried between steps. A run resumed from a
 *   checkpoint replays the steps after it, and is exact only then. State that can be rebuilt from
 *   `context.step` alone is fine.
 * - Tensors it creates are disposed before it returns (`tf.tidy`).
 * `describeSelectorConformance` in `@sieve/selection/testing` checks all of this.
 */
export interface Selector {
  readonly name: string;
  /** What its context must serve beyond the learner's losses (its plugin's `needs`, resolved with its options); unset: nothing more. */
  readonly needs?: SelectorNeeds;
  select(context: ScoringContext): Promise<Selection>;
}

/**
 * What a selector asks its context for beyond the learner's losses, which are always served. The
 * engine prepares the reference model (trains it, or reads it from the cache) before step 1 when
 * a selector needs it, and never otherwise, so that a selector that does not ask is not charged.
 */
export interface SelectorNeeds {
  /** `losses('reference')` or `poolReferenceImageEmbeddings()`: the reference model itself. */
  referenceModel?: boolean;
  /** `poolReferenceLosses()`: the reference's loss of every pool example, or the data's own scores where it has a score column. */
  poolReferenceLosses?: boolean;
}

/** Whether a selector with `needs` may read the pool's reference losses: declared, or given with the reference model it declared. */
export function readsPoolLosses(needs: SelectorNeeds): boolean {
  return needs.referenceModel === true || needs.poolReferenceLosses === true;
}

/**
 * The error a context throws when a selector asks for what its plugin's `needs` did not declare.
 * Its stack starts at the selector's call of `askedThrough` (the context's method), the line to
 * look at, rather than inside the context.
 */
export function undeclaredNeed(selectorName: string, asked: string, need: keyof SelectorNeeds, askedThrough?: (...args: never[]) => unknown): Error {
  const error = new Error(
    `selector "${selectorName}" asked for ${asked} but its plugin does not declare it: add \`needs: { ${need}: true }\` to its definition (a function of its options where that depends on them), so that the reference is prepared before step 1`,
  );
  if (askedThrough) Error.captureStackTrace(error, askedThrough);
  return error;
}

/**
 * Everything a selector is configured with, fixed for the run. A selector may rely on every
 * field: the engine has validated `batchSize` (b, divisible by `chunks`), `superBatchSize`
 * (N = b / (1 - f) >= b) and `chunks` (n, for joint samplers; others may ignore it) before
 * `create` is called. `options` is the user's `selectorOptions` as given: a `SelectorPlugin`'s
 * schema checks it before its `create` sees it.
 */
export interface SelectorSettings {
  task: TaskKind;
  batchSize: number;
  superBatchSize: number;
  chunks: number;
  /** The run's seed; per-step randomness should come from `ScoringContext.rng` instead. */
  seed: number;
  options: Record<string, unknown>;
}

/**
 * A selector plugin: a plain object, the default export of its module (or one of an array of
 * them). The engine checks the user's `selectorOptions` against `options` before anything
 * trains, refusing unknown keys and bad values with a `UserInputError` naming
 * `selectorOptions.<key>`, and calls `create` with what the schema returns (its defaults filled
 * in). `create` checks what depends on the run's settings (the batch size, the task) and throws
 * `UserInputError` naming the field for those. `defineSelector` types `create`'s options from the
 * schema.
 *
 * @example
 * export default defineSelector({
 *   name: 'first-b',
 *   summary: 'The first b candidates of the super-batch.',
 *   options: z.strictObject({}),
 *   create: () => ({ select: async (context) => ({ indices: Int32Array.from({ length: context.batchSize }, (_, i) => i) }) }),
 * });
 */
export interface SelectorPlugin<Options = unknown> {
  /** The `--selector` value. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** A benchmark reference, not a selector for users (marked so in help and reports). */
  readonly benchmarkOnly?: boolean;
  /** May call `context.noiseTags()`. Only benchmark oracles should. */
  readonly seesNoiseTags?: boolean;
  /** Its `selectorOptions`: a zod schema, strict (unknown keys refused), with the defaults. */
  readonly options: z.ZodType<Options>;
  /** What it asks its context for beyond the learner's losses, fixed or by its options and the run's settings; unset: nothing more. */
  readonly needs?: SelectorNeeds | NeedsByOptions<Options>;
  create(options: Options, settings: SelectorSettings): Pick<Selector, 'select'>;
}

/** `needs` worked out from the options and the run's settings (a method's type, so that a plugin of any options is a `SelectorPlugin<unknown>`, as `create` is). */
type NeedsByOptions<Options> = { needs(options: Options, settings: SelectorSettings): SelectorNeeds }['needs'];

/** A selector plugin, with `create`'s options typed by its schema. */
export function defineSelector<Schema extends z.ZodType>(plugin: SelectorPlugin<z.output<Schema>> & { options: Schema }): SelectorPlugin<z.output<Schema>> {
  return plugin;
}

/**
 * A selector as the engine runs it: a `SelectorPlugin` whose options are checked in `create`
 * (`selectorFactoryOf` in `@sieve/selection` makes one). Plugins written before `SelectorPlugin`
 * bind one of these to `SELECTOR_FACTORY` in an inversify `ContainerModule`, and still load.
 */
export interface SelectorFactory {
  readonly name: string;
  readonly summary: string;
  readonly benchmarkOnly?: boolean;
  readonly seesNoiseTags?: boolean;
  create(settings: SelectorSettings): Selector;
}

/** The inversify token a `ContainerModule` plugin binds its factories to (multi-bound). */
export const SELECTOR_FACTORY = Symbol.for('sieve.SelectorFactory');
