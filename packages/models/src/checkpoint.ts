import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';
import type { Adam, AdamState } from './tensor/index';
import type { ModelSpec } from './model-spec';
import type { Parameters } from './parameters';

export const CHECKPOINT_FORMAT = 'sieve-model';
export const CHECKPOINT_VERSION = 1;
const MANIFEST = 'manifest.json';

export interface CheckpointContents {
  kind: 'contrastive' | 'classification';
  spec: ModelSpec;
  parameters: { name: string; shape: number[] }[];
  /** One array per parameter, in `parameters` order. */
  values: Float32Array[];
  /** The optimizer's moments (same order), so that training resumes exactly. */
  optimizer: AdamState;
}

interface Manifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  kind: CheckpointContents['kind'];
  spec: ModelSpec;
  byteOrder: 'little-endian';
  /** float32 values: every parameter, then every first moment, then every second moment. */
  weightsFile: string;
  weightsBytes: number;
  parameters: { name: string; shape: number[] }[];
  optimizerStep: number;
}

/** A checkpoint is never written with a NaN or infinite weight: the previous one stays the last good one. */
export class NonFiniteParameterError extends Error {
  constructor(
    readonly parameter: string,
    readonly entry: number,
    readonly value: number,
  ) {
    super(`the learner's weight ${parameter} holds ${value} at entry ${entry}`);
    this.name = 'NonFiniteParameterError';
  }
}

/**
 * Writes `manifest.json` and a weights file named by its content hash, each atomically. The
 * manifest is written last and names its weights file, so a save killed half-way leaves the
 * previous checkpoint readable.
 */
export async function writeCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  assertLittleEndian();
  contents.values.forEach((values, index) => {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new NonFiniteParameterError(contents.parameters[index].name, i, values[i]);
    }
  });
  await mkdir(dir, { recursive: true });
  const arrays = [...contents.values, ...contents.optimizer.firstMoments, ...contents.optimizer.secondMoments];
  const totalValues = arrays.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(totalValues);
  let offset = 0;
  for (const array of arrays) {
    all.set(array, offset);
    offset += array.length;
  }
  const bytes = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  const weightsFile = weightsFileOf(bytes);
  await writeFileAtomic(join(dir, weightsFile), bytes);
  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    kind: contents.kind,
    spec: contents.spec,
    byteOrder: 'little-endian',
    weightsFile,
    weightsBytes: bytes.byteLength,
    parameters: contents.parameters,
    optimizerStep: contents.optimizer.step,
  };
  await writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of await readdir(dir)) {
    if (/^weights-[0-9a-f]+\.bin$/.test(file) && file !== weightsFile) await rm(join(dir, file), { force: true });
  }
}

/** The weights file's name: the first 16 hex digits of the SHA-256 of its bytes. */
function weightsFileOf(bytes: Uint8Array): string {
  return `weights-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
}

/** Reads a checkpoint, checking it was saved for this kind of model and this spec, and its weights' hash. */
export async function readCheckpoint(
  dir: string,
  kind: CheckpointContents['kind'],
  spec: ModelSpec,
): Promise<CheckpointContents> {
  assertLittleEndian();
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new UserInputError(dir, `no saved model here (${MANIFEST} is missing); give the folder a model was saved to.`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    throw new UserInputError(manifestPath, `is not valid JSON (${(error as Error).message}); save the model again.`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT || manifest.version !== CHECKPOINT_VERSION) {
    throw new UserInputError(manifestPath, `is not a ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION} checkpoint; save the model again with this version.`);
  }
  if (manifest.kind !== kind) {
    throw new UserInputError(manifestPath, `holds a ${manifest.kind} model, not a ${kind} model.`);
  }
  const differences = (Object.keys(spec) as (keyof ModelSpec)[])
    .filter((key) => manifest.spec[key] !== spec[key])
    .map((key) => `${key} saved ${String(manifest.spec[key])}, asked ${String(spec[key])}`);
  if (differences.length > 0) {
    throw new UserInputError(manifestPath, `was made with other settings, not damaged: its model has another shape (${differences.join('; ')}); use the model settings it was made with.`);
  }
  const weightsPath = join(dir, manifest.weightsFile);
  const bytes = existsSync(weightsPath) ? await readFile(weightsPath) : null;
  const parameterValues = manifest.parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  if (!bytes || bytes.byteLength !== manifest.weightsBytes || bytes.byteLength !== parameterValues * 3 * 4) {
    throw new UserInputError(weightsPath, 'is missing or has the wrong size; the checkpoint is damaged, save the model again.');
  }
  // The file is named by the hash of its bytes: a flipped bit shows here, not as wrong weights.
  if (weightsFileOf(bytes) !== manifest.weightsFile) {
    throw new UserInputError(weightsPath, 'does not match its content hash; the checkpoint is damaged, save the model again.');
  }
  const all = new Float32Array(parameterValues * 3);
  new Uint8Array(all.buffer).set(bytes);
  const slices: Float32Array[] = [];
  let offset = 0;
  for (let copy = 0; copy < 3; copy++) {
    for (const parameter of manifest.parameters) {
      const size = parameter.shape.reduce((a, b) => a * b, 1);
      slices.push(all.slice(offset, offset + size));
      offset += size;
    }
  }
  const count = manifest.parameters.length;
  return {
    kind,
    spec: manifest.spec,
    parameters: manifest.parameters,
    values: slices.slice(0, count),
    optimizer: {
      step: manifest.optimizerStep,
      firstMoments: slices.slice(count, 2 * count),
      secondMoments: slices.slice(2 * count),
    },
  };
}

/** Puts a checkpoint's weights and optimizer state into a freshly built model of the same spec. */
export function restoreFromCheckpoint(parameters: Parameters, adam: Adam, checkpoint: CheckpointContents): void {
  const expected = parameters.list().map(({ name, shape }) => `${name}[${shape.join(',')}]`);
  const saved = checkpoint.parameters.map(({ name, shape }) => `${name}[${shape.join(',')}]`);
  if (expected.join(' ') !== saved.join(' ')) {
    const missing = expected.filter((p) => !saved.includes(p));
    throw new Error(`checkpoint parameters do not match the model (this model also has: ${missing.join(', ') || 'nothing'})`);
  }
  parameters.writeValues(checkpoint.values);
  adam.setState(checkpoint.optimizer);
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('checkpoints are little-endian; this machine is big-endian');
}

/**
 * Builds a fresh model for `spec` and restores a checkpoint into it (weights and optimizer
 * state); the model is disposed if the checkpoint does not fit.
 */
export async function loadModelFromCheckpoint<M extends { restore(checkpoint: CheckpointContents): void; dispose(): void }>(
  dir: string,
  kind: CheckpointContents['kind'],
  spec: ModelSpec,
  build: (spec: ModelSpec, seed: number) => M,
): Promise<M> {
  const checkpoint = await readCheckpoint(dir, kind, spec);
  const model = build(spec, 0);
  try {
    model.restore(checkpoint);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** The `save` and `restore` of a model: its parameters and its optimizer state. */
export function checkpointMethods(kind: CheckpointContents['kind'], spec: ModelSpec, parameters: Parameters, adam: Adam) {
  return {
    async save(dir: string): Promise<void> {
      await writeCheckpoint(dir, {
        kind,
        spec,
        parameters: parameters.list().map(({ name, shape }) => ({ name, shape })),
        values: await parameters.readValues(),
        optimizer: await adam.getState(),
      });
    },
    restore(checkpoint: CheckpointContents): void {
      restoreFromCheckpoint(parameters, adam, checkpoint);
    },
  };
}
