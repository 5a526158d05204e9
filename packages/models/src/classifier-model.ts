import * as tf from '@tensorflow/tfjs-core';
import type { Resolution } from '@sieve/core';
import {
  Adam,
  ADAM_OPS_PER_PARAMETER,
  addFlops,
  addPasses,
  denseFlops,
  matMul2d,
  NO_PASS_FLOPS,
  readTidy,
  totalFlops,
  trainingFlops,
  withGradients,
  type FlopCount,
  type PassFlops,
} from './tensor/index';
import { checkpointMethods, loadModelFromCheckpoint } from './checkpoint';
import { createImageTower } from './create-image-tower';
import type { PreparedImageTower } from './image-tower';
import { constant, glorotUniform } from './initializers';
import { fineFirstOrder, reorderRows } from './mixed-resolution-batch';
import { pixelsOf, validateModelSpec, type ModelSpec } from './model-spec';
import { Parameters } from './parameters';
import { assertRows, minimiseOnce } from './training-step';

export interface ClassifierFlops {
  forward(count: number, resolution?: Resolution): number;
  /** Forward and backward over the whole batch (no gradient into the images), plus the Adam update. */
  trainStep(count: number, coarseCount?: number): number;
}

export interface ClassifierFlopCounts {
  forward(count: number, resolution?: Resolution): FlopCount;
  trainStep(count: number, coarseCount?: number): FlopCount;
}

export interface ClassifierBatch {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  /** Per example; default all fine. */
  resolutions?: Resolution[];
}

/** An image tower with a linear head over classCount classes, trained with softmax cross-entropy. */
export interface ClassifierModel {
  readonly kind: 'classification';
  readonly spec: ModelSpec;
  /** Softmax cross-entropy of each example against its label. */
  exampleLosses(images: Float32Array, labels: Int32Array, count: number, resolution?: Resolution): Promise<Float32Array>;
  /** The most likely class of each image, at fine resolution. */
  predict(images: Float32Array, count: number): Promise<Int32Array>;
  /** One Adam step on the mean cross-entropy; returns the loss before the step. */
  trainStep(batch: ClassifierBatch, learningRate: number): Promise<number>;
  readonly flops: ClassifierFlops;
  readonly flopCounts: ClassifierFlopCounts;
  parameterCount(): number;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** Per example and class: max, subtract, exp, sum, log, select the label, negate. */
const CROSS_ENTROPY_OPS_PER_LOGIT = 7;
const FORWARD_CHUNK = 1024;

export function createClassifierModel(spec: ModelSpec, seed: number): ClassifierModel {
  validateModelSpec(spec, 'classification');
  return buildClassifierModel(spec, seed);
}

export async function loadClassifierModel(dir: string, spec: ModelSpec): Promise<ClassifierModel> {
  validateModelSpec(spec, 'classification');
  return loadModelFromCheckpoint(dir, 'classification', spec, buildClassifierModel);
}

function buildClassifierModel(spec: ModelSpec, seed: number) {
  const pixels = pixelsOf(spec);
  const { classCount } = spec;
  const parameters = new Parameters(seed);
  const imageTower = createImageTower(parameters, spec);
  const headKernel = parameters.add('head.kernel', [imageTower.featureDim, classCount], (rng) =>
    glorotUniform(rng, imageTower.featureDim, classCount),
  );
  const headBias = parameters.add('head.bias', [classCount], () => constant(classCount, 0));
  const adam = new Adam(parameters.variables());

  const logits = (prepared: PreparedImageTower, images: tf.Tensor2D): tf.Tensor2D =>
    tf.add(matMul2d(prepared.apply(images), headKernel as tf.Tensor2D), headBias);
  const imagesTensor = (images: Float32Array, start: number, count: number) =>
    tf.tensor2d(images.subarray(start * pixels, (start + count) * pixels), [count, pixels]);
  const crossEntropies = (logitValues: tf.Tensor2D, labels: Int32Array): tf.Tensor1D => {
    const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), classCount);
    return tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logitValues)), 1)) as tf.Tensor1D;
  };
  const checkLabels = (labels: Int32Array, count: number) => {
    assertRows('labels', labels, count, 1);
    for (let i = 0; i < count; i++) {
      if (!(labels[i] >= 0 && labels[i] < classCount)) {
        throw new RangeError(`label ${labels[i]} (example ${i}) is not a class in [0, ${classCount})`);
      }
    }
  };
  /**
   * Computes `perChunk` on each chunk of `count` images in its own tidy scope (the tower prepared
   * in it: a tidy cannot span a read) and writes what it reads back into `result` at the chunk's start.
   */
  const inChunks = async <T extends Float32Array | Int32Array>(
    result: T,
    images: Float32Array,
    count: number,
    resolution: Resolution,
    perChunk: (t: tf.Tensor2D, start: number, chunk: number, prepared: PreparedImageTower) => tf.Tensor,
  ): Promise<T> => {
    assertRows('images', images, count, pixels);
    for (let start = 0; start < count; start += FORWARD_CHUNK) {
      const chunk = Math.min(FORWARD_CHUNK, count - start);
      result.set(await readTidy(() => perChunk(imagesTensor(images, start, chunk), start, chunk, imageTower.prepare(resolution))), start);
    }
    return result;
  };

  // The head's input comes from weights: both of its gradients.
  const forwardPass = (count: number, resolution: Resolution): PassFlops => {
    if (count === 0) return NO_PASS_FLOPS;
    return addPasses(
      imageTower.flops(count, resolution),
      withGradients(denseFlops(count, imageTower.featureDim, classCount), 2),
      withGradients({ matmul: 0, elementwise: count * classCount * CROSS_ENTROPY_OPS_PER_LOGIT }, 0),
    );
  };
  const flopCounts: ClassifierFlopCounts = {
    forward: (count, resolution = 'fine') => forwardPass(count, resolution).forward,
    trainStep(count, coarseCount = 0) {
      const step = addPasses(forwardPass(count - coarseCount, 'fine'), forwardPass(coarseCount, 'coarse'));
      return addFlops(trainingFlops(step), { matmul: 0, elementwise: ADAM_OPS_PER_PARAMETER * parameters.size() });
    },
  };

  return {
    kind: 'classification' as const,
    spec,
    async exampleLosses(images: Float32Array, labels: Int32Array, count: number, resolution: Resolution = 'fine'): Promise<Float32Array> {
      checkLabels(labels, count);
      return inChunks(new Float32Array(count), images, count, resolution, (tensor, start, chunk, prepared) =>
        crossEntropies(logits(prepared, tensor), labels.subarray(start, start + chunk)),
      );
    },
    async predict(images: Float32Array, count: number): Promise<Int32Array> {
      return inChunks(new Int32Array(count), images, count, 'fine', (tensor, _start, _chunk, prepared) => tf.argMax(logits(prepared, tensor), 1));
    },
    async trainStep(batch: ClassifierBatch, learningRate: number): Promise<number> {
      const { count } = batch;
      if (count < 1) throw new RangeError('a training batch needs at least one example');
      assertRows('images', batch.images, count, pixels);
      checkLabels(batch.labels, count);
      const { order, fineCount } = fineFirstOrder(batch.resolutions, count);
      const images = reorderRows(batch.images, pixels, order);
      const labels = reorderRows(batch.labels, 1, order);
      return minimiseOnce(
        adam,
        parameters.variables(),
        () => {
          const parts: tf.Tensor2D[] = [];
          if (fineCount > 0) parts.push(logits(imageTower.prepare('fine'), imagesTensor(images, 0, fineCount)));
          if (fineCount < count) parts.push(logits(imageTower.prepare('coarse'), imagesTensor(images, fineCount, count - fineCount)));
          return tf.mean(crossEntropies(parts.length === 1 ? parts[0] : tf.concat(parts, 0), labels));
        },
        learningRate,
      );
    },
    flops: {
      forward: (count: number, resolution?: Resolution) => totalFlops(flopCounts.forward(count, resolution)),
      trainStep: (count: number, coarseCount?: number) => totalFlops(flopCounts.trainStep(count, coarseCount)),
    },
    flopCounts,
    parameterCount: () => parameters.size(),
    ...checkpointMethods('classification', spec, parameters, adam),
    dispose(): void {
      adam.dispose();
      imageTower.dispose();
      parameters.dispose();
    },
  };
}
