import * as tf from '@tensorflow/tfjs-core';
import { sigmoidLossAndGradients, wasmHeapView, wasmMatmulBlas, type Adam, type Blas } from './tensor/index';
import { pixelsOf, type ModelSpec } from './model-spec';
import type { Parameters } from './parameters';
import { bagOfWords, SPARSE_TEXT_VOCABULARY } from './text-tower';

/**
 * The contrastive learner's training step written out by hand, for the MLP image tower, the
 * bag-of-words text tower and fine images, on the wasm backend with its products on BLAS: the
 * forward pass, the gradients and Adam, with every product a BLAS call on the weights where they
 * lie on the wasm heap, the element-wise work in loops over buffers made once, and the gradients
 * written into tensors made once, which Adam's SIMD kernel reads in place.
 *
 * Why by hand: the same step as tfjs operations with autodiff is about 60 kernels forward and 100
 * backward, each with a fixed cost per call, plus the tape's bookkeeping and a new tensor for
 * every intermediate; at the default model's sizes that was half the step's time beside products
 * that run near the machine's sgemm peak (docs/performance.md#the-training-step-by-hand).
 *
 * The model, for a batch of n (image x_i, caption c_i), with BOW_i c_i's normalised bag of words:
 *   u_i = relu(x_i W1 + b1) W2 + b2,          image_i = u_i / |u_i|
 *   v_i = relu(BOW_i T Wh + bh) Wo + bo,       text_i = v_i / |v_i|
 *   loss = (1/n) sum_ij softplus(-z_ij (e^logT image_i . text_j + bias))
 * (|w| = sqrt(sum w^2 + 1e-12), as l2Normalise). The gradients follow by the chain rule; the
 * normalisation's is d(w/|w|) = (dout - (dout . w/|w|) w/|w|) / |w|.
 */
export interface BlasTrainingStep {
  /** Whether this batch can take the hand-written step (all fine: the coarse mode is left to tfjs). */
  accepts(resolutions: readonly string[] | undefined): boolean;
  /** One Adam step on the batch; returns the loss before it, as a float32. */
  train(images: Float32Array, tokens: Int32Array, count: number, learningRate: number): Promise<number>;
  dispose(): void;
}

/** The parameters the step reads, by their names in `Parameters`. */
const NAMES = {
  imageKernel: 'image.hidden.kernel',
  imageBias: 'image.hidden.bias',
  projectionKernel: 'image.projection.kernel',
  projectionBias: 'image.projection.bias',
  table: 'text.token.embedding',
  textKernel: 'text.hidden.kernel',
  textBias: 'text.hidden.bias',
  outputKernel: 'text.output.kernel',
  outputBias: 'text.output.bias',
  logTemperature: 'logTemperature',
  bias: 'bias',
} as const;
type Name = keyof typeof NAMES;

/** The hand-written step for this model, or null where it does not apply (another tower, backend or vocabulary size). */
export function createBlasTrainingStep(spec: ModelSpec, parameters: Parameters, adam: Adam): BlasTrainingStep | null {
  const blas = wasmMatmulBlas();
  if (!blas || spec.imageTower !== 'mlp' || spec.vocabularySize > SPARSE_TEXT_VOCABULARY || adam.placement !== 'device') return null;
  const names = parameters.list().map((entry) => entry.name);
  if (names.length !== Object.keys(NAMES).length || !Object.values(NAMES).every((name) => names.includes(name))) return null;

  // One gradient tensor per parameter, in the parameters' order (Adam's), kept until dispose.
  const gradientTensors = parameters.list().map((entry) => tf.keep(tf.tensor(new Float32Array(entry.variable.size), entry.shape, 'float32')));
  // Each parameter the step reads and its gradient tensor, looked up once (a restore assigns new values to the same variables).
  const tensors = (Object.keys(NAMES) as Name[]).map((key) => ({
    key,
    variable: parameters.get(NAMES[key]),
    gradient: gradientTensors[names.indexOf(NAMES[key])],
  }));
  const shapes = {
    pixels: pixelsOf(spec),
    hidden: spec.hiddenDim,
    dim: spec.embeddingDim,
    vocabulary: spec.vocabularySize,
    wordDim: spec.textEmbeddingDim,
    maxTokens: spec.maxTokens,
  };
  let buffers: Buffers | null = null;

  return {
    accepts: (resolutions) => !resolutions || resolutions.every((resolution) => resolution === 'fine'),
    async train(images, tokens, count, learningRate) {
      if (!buffers || buffers.count !== count) buffers = allocate(count, shapes);
      // Views of the heap, taken after the last allocation on it; nothing below allocates there until Adam's update.
      const weights = {} as Record<Name, Float32Array>;
      const gradients = {} as Record<Name, Float32Array>;
      for (const { key, variable, gradient } of tensors) {
        weights[key] = wasmHeapView(variable)!;
        gradients[key] = wasmHeapView(gradient)!;
      }
      const loss = forwardAndBackward(blas, shapes, buffers, weights, gradients, images, tokens);
      await adam.applyGradients(gradientTensors, learningRate);
      return loss;
    },
    dispose() {
      tf.dispose(gradientTensors);
    },
  };
}

interface Shapes {
  pixels: number;
  hidden: number;
  dim: number;
  vocabulary: number;
  wordDim: number;
  maxTokens: number;
}

/** Every intermediate of one step, for a batch of `count`. */
interface Buffers {
  count: number;
  imageHidden: Float32Array;
  imageOut: Float32Array;
  imageInverseNorms: Float32Array;
  bagOfWords: Float32Array;
  meanWords: Float32Array;
  textHidden: Float32Array;
  textOut: Float32Array;
  textInverseNorms: Float32Array;
  similarities: Float32Array;
  logitGradients: Float32Array;
  imageOutGradient: Float32Array;
  textOutGradient: Float32Array;
  imageHiddenGradient: Float32Array;
  textHiddenGradient: Float32Array;
  meanWordsGradient: Float32Array;
}

function allocate(count: number, { hidden, dim, vocabulary, wordDim }: Shapes): Buffers {
  const f = (length: number) => new Float32Array(length);
  return {
    count,
    imageHidden: f(count * hidden),
    imageOut: f(count * dim),
    imageInverseNorms: f(count),
    bagOfWords: f(count * vocabulary),
    meanWords: f(count * wordDim),
    textHidden: f(count * hidden),
    textOut: f(count * dim),
    textInverseNorms: f(count),
    similarities: f(count * count),
    logitGradients: f(count * count),
    imageOutGradient: f(count * dim),
    textOutGradient: f(count * dim),
    imageHiddenGradient: f(count * hidden),
    textHiddenGradient: f(count * hidden),
    meanWordsGradient: f(count * wordDim),
  };
}

/** Fills `gradients` (on the heap) for this batch and returns the loss, as the equations above. */
function forwardAndBackward(
  blas: Blas,
  shapes: Shapes,
  x: Buffers,
  w: Record<Name, Float32Array>,
  g: Record<Name, Float32Array>,
  images: Float32Array,
  tokens: Int32Array,
): number {
  const { pixels, hidden, dim, vocabulary, wordDim, maxTokens } = shapes;
  const n = x.count;

  // Image tower: hidden = relu(images W1 + b1), out = hidden W2 + b2, then normalised in place.
  blas.sgemm(false, false, n, hidden, pixels, images, w.imageKernel, x.imageHidden);
  addBiasRelu(x.imageHidden, w.imageBias);
  blas.sgemm(false, false, n, dim, hidden, x.imageHidden, w.projectionKernel, x.imageOut);
  addBias(x.imageOut, w.projectionBias);
  normaliseRows(x.imageOut, dim, x.imageInverseNorms);

  // Text tower: the mean word embedding as the bag of words times the table, then the MLP.
  bagOfWords(tokens, n, maxTokens, vocabulary, x.bagOfWords);
  blas.sgemm(false, false, n, wordDim, vocabulary, x.bagOfWords, w.table, x.meanWords);
  blas.sgemm(false, false, n, hidden, wordDim, x.meanWords, w.textKernel, x.textHidden);
  addBiasRelu(x.textHidden, w.textBias);
  blas.sgemm(false, false, n, dim, hidden, x.textHidden, w.outputKernel, x.textOut);
  addBias(x.textOut, w.outputBias);
  normaliseRows(x.textOut, dim, x.textInverseNorms);

  // The loss and d loss / d logit_ij; d/dS = t g, d/dlogT = t sum g S, d/dbias = sum g.
  blas.sgemm(false, true, n, n, dim, x.imageOut, x.textOut, x.similarities);
  const t = Math.exp(w.logTemperature[0]);
  const sums = sigmoidLossAndGradients(x.similarities, n, n, t, w.bias[0], x.logitGradients);
  g.logTemperature[0] = t * sums.temperatureGradient;
  g.bias[0] = sums.biasGradient;
  const logitGradients = x.logitGradients;
  for (let k = 0; k < logitGradients.length; k++) logitGradients[k] *= t;

  // d/d image = dS text, d/d text = dS^T image (into the *OutGradient buffers), then back through the normalisation.
  blas.sgemm(false, false, n, dim, n, logitGradients, x.textOut, x.imageOutGradient);
  blas.sgemm(true, false, n, dim, n, logitGradients, x.imageOut, x.textOutGradient);
  normaliseRowsBackward(x.imageOutGradient, x.imageOut, x.imageInverseNorms, dim);
  normaliseRowsBackward(x.textOutGradient, x.textOut, x.textInverseNorms, dim);

  // Image tower backward.
  sumRows(x.imageOutGradient, dim, g.projectionBias);
  blas.sgemm(true, false, hidden, dim, n, x.imageHidden, x.imageOutGradient, g.projectionKernel);
  blas.sgemm(false, true, n, hidden, dim, x.imageOutGradient, w.projectionKernel, x.imageHiddenGradient);
  reluBackwardSummingRows(x.imageHiddenGradient, x.imageHidden, g.imageBias);
  blas.sgemm(true, false, pixels, hidden, n, images, x.imageHiddenGradient, g.imageKernel);

  // Text tower backward.
  sumRows(x.textOutGradient, dim, g.outputBias);
  blas.sgemm(true, false, hidden, dim, n, x.textHidden, x.textOutGradient, g.outputKernel);
  blas.sgemm(false, true, n, hidden, dim, x.textOutGradient, w.outputKernel, x.textHiddenGradient);
  reluBackwardSummingRows(x.textHiddenGradient, x.textHidden, g.textBias);
  blas.sgemm(true, false, wordDim, hidden, n, x.meanWords, x.textHiddenGradient, g.textKernel);
  blas.sgemm(false, true, n, wordDim, hidden, x.textHiddenGradient, w.textKernel, x.meanWordsGradient);
  blas.sgemm(true, false, vocabulary, wordDim, n, x.bagOfWords, x.meanWordsGradient, g.table);

  return Math.fround(sums.loss / n);
}

// The loops below go row by row, without a k % width per entry: that division was a fifth of the step.

/**
 * rows[i][j] = max(rows[i][j] + bias[j], 0), in place, as (v + |v|) / 2 (exact): without a branch,
 * which about half the entries would mispredict (1.6x slower).
 */
function addBiasRelu(rows: Float32Array, bias: Float32Array): void {
  const width = bias.length;
  for (let start = 0; start < rows.length; start += width) {
    for (let j = 0; j < width; j++) {
      const value = rows[start + j] + bias[j];
      rows[start + j] = (value + Math.abs(value)) * 0.5;
    }
  }
}

function addBias(rows: Float32Array, bias: Float32Array): void {
  const width = bias.length;
  for (let start = 0; start < rows.length; start += width) for (let j = 0; j < width; j++) rows[start + j] += bias[j];
}

/** Each row divided by sqrt(its sum of squares + 1e-12), in place; the factors go to `inverseNorms`. */
function normaliseRows(rows: Float32Array, width: number, inverseNorms: Float32Array): void {
  for (let i = 0; i < inverseNorms.length; i++) {
    let sumOfSquares = 0;
    for (let j = 0; j < width; j++) sumOfSquares += rows[i * width + j] ** 2;
    const inverse = 1 / Math.sqrt(sumOfSquares + 1e-12);
    inverseNorms[i] = inverse;
    for (let j = 0; j < width; j++) rows[i * width + j] *= inverse;
  }
}

/** The gradient through normaliseRows, in place: d <- (d - (d . out) out) / |w|, with `out` the normalised rows. */
function normaliseRowsBackward(gradient: Float32Array, normalised: Float32Array, inverseNorms: Float32Array, width: number): void {
  for (let i = 0; i < inverseNorms.length; i++) {
    let along = 0;
    for (let j = 0; j < width; j++) along += gradient[i * width + j] * normalised[i * width + j];
    const inverse = inverseNorms[i];
    for (let j = 0; j < width; j++) gradient[i * width + j] = (gradient[i * width + j] - along * normalised[i * width + j]) * inverse;
  }
}

/**
 * Through the ReLU, in place: the gradient zeroed where its output was 0 (its input was not
 * positive), as a product with 0 or 1 rather than a branch (about half the entries are zero, so a
 * branch is mispredicted half the time: 2.7x slower). The bias's gradient, the sum over rows, in the same pass.
 */
function reluBackwardSummingRows(gradient: Float32Array, activations: Float32Array, biasGradient: Float32Array): void {
  const width = biasGradient.length;
  biasGradient.fill(0);
  for (let start = 0; start < gradient.length; start += width) {
    for (let j = 0; j < width; j++) {
      const value = gradient[start + j] * +(activations[start + j] > 0);
      gradient[start + j] = value;
      biasGradient[j] += value;
    }
  }
}

/** total[j] = sum over rows of rows[i][j]. */
function sumRows(rows: Float32Array, width: number, total: Float32Array): void {
  total.fill(0);
  for (let start = 0; start < rows.length; start += width) for (let j = 0; j < width; j++) total[j] += rows[start + j];
}
