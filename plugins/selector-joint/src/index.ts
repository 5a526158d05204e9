import { z } from 'zod';
import { UserInputError, defineSelector, type Resolution, type ScoringContext, type Selection, type SelectorNeeds, type SelectorSettings } from '@sieve/core';
import {
  JOINT_MODES,
  RESOLUTIONS,
  SCORE_NAMES,
  choiceOption,
  chunksOf,
  chunksOption,
  jointSample,
  modelsForScore,
  numberOption,
  prefilterByReferenceLoss,
  prefilterCount,
  scoreDiagnostics,
  scoreMatrix,
  type JointMode,
  type ScoreName,
} from '@sieve/selection';

/**
 * Joint selection by one score matrix (JEST's joint sampler): asks the context for the losses the
 * score needs and draws the batch in chunks, each chunk by its score given the chunks already
 * drawn. `jest`, `cascade`, `easy-reference` and `hard-negative` are this selector with other
 * defaults (the presets below).
 *
 * With a `prefilter` below 1 it is a cascade: the reference's cached per-example losses first keep
 * that fraction of the super-batch (lowest loss first), and only those are scored and sampled
 * from. From step `learnerSteps + 1` on (when set), the score falls back to `easy-reference`, which
 * needs no learner pass. A prefilter that keeps exactly b leaves nothing to choose: the kept
 * candidates are the batch, and no score matrix is built.
 *
 * Options (`selectorOptions`): `mode` (`sample`, softmax sampling, or `greedy`, the top
 * conditional scores), `chunks` (n; default the run's), `prefilter`, `score` (where the preset
 * lets it be chosen) and, with a score that runs the learner, `resolution` (the learner's
 * scoring resolution) and `learnerSteps`.
 */
export interface JointOptions {
  mode: JointMode;
  score: ScoreName;
  chunks: number;
  resolution: Resolution;
  /** The fraction of the super-batch the reference's cached loss keeps before scoring (1: every candidate is scored). */
  prefilter: number;
  /** The learner scores only the first this many steps, then the score is `easy-reference`; null: every step. */
  learnerSteps: number | null;
}

/** One named selector made of the joint selector: its score (fixed, or a default the user may change) and prefilter. */
interface Preset {
  name: string;
  summary: string;
  score: ScoreName;
  /** Whether `score` is an option (its default) or fixed. */
  scoreIsOption: boolean;
  prefilter: number;
}

const PREFILTER = "must be the fraction of the super-batch kept by the reference's loss before scoring, a number from b/N";
const LEARNER_OPTIONS = ['resolution', 'learnerSteps'] as const;

/**
 * The preset's options: first the score, and the learner's options refused when the score never
 * runs the learner; then every option's value, unknown keys refused.
 */
function optionsOf(preset: Preset) {
  const scoreOption = preset.scoreIsOption ? { score: choiceOption(SCORE_NAMES, preset.score) } : {};
  const learnerOptions = {
    resolution: choiceOption(RESOLUTIONS, 'fine'),
    learnerSteps: numberOption(
      "must be the number of steps the learner scores for before the selection falls back to the reference's score (0 or more; unset: every step)",
      (steps) => Number.isInteger(steps) && steps >= 0,
    )
      .nullable()
      .default(null),
  };
  const runsTheLearner = (score: ScoreName) => modelsForScore(score).learner;
  return z
    .looseObject(scoreOption)
    .superRefine((options, context) => {
      const score = (preset.scoreIsOption && (options as { score?: ScoreName }).score) || preset.score;
      const given = LEARNER_OPTIONS.find((key) => (options as Record<string, unknown>)[key] !== undefined);
      if (runsTheLearner(score) || given === undefined) return;
      context.addIssue({
        code: 'custom',
        path: [given],
        message: `selector "${preset.name}" scores with "${score}", which never runs the learner, so "${given}" does nothing; add --selector-option score=learnability (or another learner score) to use it.`,
      });
    })
    .pipe(
      z.strictObject({
        mode: choiceOption(JOINT_MODES, 'sample'),
        chunks: chunksOption(),
        prefilter: numberOption(`${PREFILTER} to 1 (1: no prefilter)`).optional(),
        ...scoreOption,
        ...(runsTheLearner(preset.score) || preset.scoreIsOption ? learnerOptions : {}),
      }),
    );
}

type ParsedOptions = Partial<Omit<JointOptions, 'mode'>> & Pick<JointOptions, 'mode'>;

/**
 * The options with the run's settings: n from the run unless given, a prefilter given checked
 * against b/N (the preset's own may keep fewer than b: the cascade then trains on the b it keeps).
 */
function jointOptionsOf(preset: Preset, options: ParsedOptions, settings: SelectorSettings): JointOptions {
  const chunks = chunksOf(options.chunks, settings);
  const smallest = settings.batchSize / settings.superBatchSize;
  if (options.prefilter !== undefined && !(options.prefilter <= 1 && options.prefilter >= smallest - 1e-9)) {
    throw new UserInputError('selectorOptions.prefilter', `${PREFILTER} = ${smallest.toFixed(3)} to 1 (1: no prefilter), got ${JSON.stringify(options.prefilter)}.`);
  }
  const { mode, prefilter = preset.prefilter, score = preset.score, resolution = 'fine', learnerSteps = null } = options;
  return { mode, score, chunks, resolution, prefilter, learnerSteps };
}

/** The joint selector under a preset's name and defaults. */
function jointSelector(preset: Preset) {
  return defineSelector({
    name: preset.name,
    summary: preset.summary,
    options: optionsOf(preset),
    // The schema's output varies with the preset (which options it has); these are the keys it can hold.
    needs: (options, settings) => jointNeeds(jointOptionsOf(preset, options as ParsedOptions, settings), settings),
    create: (options, settings) => new JointSelector(jointOptionsOf(preset, options as ParsedOptions, settings)),
  });
}

/**
 * The reference's losses where the score (or the fall-back after `learnerSteps`) reads them, unless
 * the prefilter keeps exactly b and no score is computed; the pool's reference losses for a prefilter.
 */
function jointNeeds({ score, prefilter, learnerSteps }: JointOptions, settings: SelectorSettings): SelectorNeeds {
  const scores = prefilter === 1 || prefilterCount(prefilter, settings.superBatchSize, settings.batchSize) > settings.batchSize;
  return {
    referenceModel: scores && (modelsForScore(score).reference || learnerSteps !== null),
    poolReferenceLosses: prefilter < 1,
  };
}

export class JointSelector {
  constructor(readonly options: JointOptions) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, chunks, resolution, prefilter, learnerSteps } = this.options;
    const score: ScoreName = learnerSteps !== null && context.step > learnerSteps ? 'easy-reference' : this.options.score;
    const kept =
      prefilter < 1 ? await prefilterByReferenceLoss(context, prefilterCount(prefilter, context.superBatchSize, context.batchSize)) : undefined;
    if (kept !== undefined && kept.length === context.batchSize) return { indices: kept, diagnostics: await prefilterOnlyDiagnostics(context, kept) };
    const matrix = await scoreMatrix(context, score, { resolution, candidates: kept });
    const local = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    const indices = kept ? local.map((i) => kept[i]) : local;
    const diagnostics = scoreDiagnostics(score, matrix, local);
    // The share of steps the learner scored on, averaged per point like any diagnostic.
    if (learnerSteps !== null) diagnostics.learnerScored = score === this.options.score ? 1 : 0;
    return { indices, diagnostics };
  }
}

/** The reference's mean positive-pair loss over the kept candidates and over the super-batch, from the pool's cached losses. */
async function prefilterOnlyDiagnostics(context: ScoringContext, kept: Int32Array): Promise<Record<string, number>> {
  const poolLosses = await context.poolReferenceLosses();
  const { candidatePoolIndices, superBatchSize } = context;
  let chosen = 0;
  for (const position of kept) chosen += poolLosses[candidatePoolIndices[position]];
  let all = 0;
  for (let i = 0; i < superBatchSize; i++) all += poolLosses[candidatePoolIndices[i]];
  return { meanReferenceLossChosen: chosen / kept.length, meanReferenceLossSuperBatch: all / superBatchSize };
}

/** The cascade's prefilter, chosen by the benchmark (see docs/performance.md#the-cascade). */
export const CASCADE_PREFILTER = 0.7;

/**
 * Sieve's default selector, a two-stage cascade built for energy: the frozen reference's cached
 * positive-pair losses (computed once per run for the whole pool) keep the `prefilter` fraction of
 * the super-batch with the lowest loss, at O(N) a step; then the batch is drawn jointly from what
 * is left by the score of the kept candidates only (their k x k matrix, k = prefilter x N). With
 * the default score, `easy-reference`, no step runs the learner: on fashion-captions the learner's
 * scoring did not earn its cost (docs/performance.md#the-cascade). `score: learnability` turns it into JEST on
 * the prefiltered candidates; `learnerSteps` then limits the learner's scoring to the first steps.
 */
export const cascade = jointSelector({
  name: 'cascade',
  summary: `Default: the reference keeps the likeliest ${Math.round(CASCADE_PREFILTER * 100)}% of the super-batch, then joint sampling from them.`,
  score: 'easy-reference',
  scoreIsOption: true,
  prefilter: CASCADE_PREFILTER,
});

/** JEST (Evans et al. 2024): S = L_learner - L_reference, the learnability of the super-batch. */
export const jest = jointSelector({
  name: 'jest',
  summary: 'JEST: joint sampling of the batch by learnability (learner loss - reference loss).',
  score: 'learnability',
  scoreIsOption: true,
  prefilter: 1,
});

/** S = -L_reference: leans towards what the reference (trained on curated data) finds easy; never runs the learner. */
export const easyReference = jointSelector({
  name: 'easy-reference',
  summary: 'Joint sampling by low reference-model loss (what the curated model finds easy).',
  score: 'easy-reference',
  scoreIsOption: false,
  prefilter: 1,
});

/** S = L_learner: leans towards what the learner finds hard (hard negatives), noise included; needs no reference. */
export const hardNegative = jointSelector({
  name: 'hard-negative',
  summary: 'Joint sampling by the learner loss alone (hard examples, noise included).',
  score: 'hard-learner',
  scoreIsOption: false,
  prefilter: 1,
});

export default [cascade, jest, hardNegative, easyReference];
