import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError, isUserInputError, type PerPhase } from '@sieve/core';
import {
  loadClassifierModel,
  loadContrastiveModel,
  type ClassifierModel,
  type ContrastiveModel,
  type ModelSpec,
} from '@sieve/models';
import type { LedgerState } from './phase-ledger';

const CHECKPOINT_DIR = 'checkpoint';
const STATE_VERSION = 1;

/** What the loop needs, beside the learner's weights and optimizer state, to carry on exactly. */
export interface LoopState {
  version: number;
  /** The last step trained (a benchmark point was written for it). */
  step: number;
  examplesScored: number;
  ledger: LedgerState;
  lastJoulesTotal: number;
  lastJoulesByPhase: PerPhase<number>;
  lastSecondsByPhase: PerPhase<number>;
  /** Cumulative joules per device when saved; a resumed run's meter starts from zero. */
  joulesByDevice: Record<string, number>;
  /** Whether the ledger already holds the pool reference losses' one-time scoring FLOPs (absent: no). */
  poolReferenceLossesCharged?: boolean;
  /** The first step's training loss, against which divergence is judged (absent: not yet seen). */
  firstLoss?: number | null;
  /** Wall seconds of the run and of its loop so far. */
  runSeconds: number;
  loopSeconds: number;
}

export function checkpointDir(outDir: string): string {
  return join(outDir, CHECKPOINT_DIR);
}

/**
 * Saves the learner (weights and optimizer state) and the loop's state into `<out>/checkpoint`,
 * through a staging folder renamed into place, so that a crash never leaves half a checkpoint.
 */
export async function saveCheckpoint(outDir: string, learner: ContrastiveModel | ClassifierModel, state: LoopState): Promise<void> {
  const target = checkpointDir(outDir);
  const staging = `${target}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await learner.save(join(staging, 'learner'));
  } catch (error) {
    // Weights that cannot be saved (not finite, say) leave no half checkpoint behind.
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await writeFileAtomic(join(staging, 'state.json'), `${JSON.stringify(state)}\n`);
  await rm(`${target}.old`, { recursive: true, force: true });
  if (existsSync(target)) await rename(target, `${target}.old`);
  await rename(staging, target);
  await rm(`${target}.old`, { recursive: true, force: true });
}

export interface LoadedCheckpoint {
  learner: ContrastiveModel | ClassifierModel;
  state: LoopState;
}

/**
 * The checkpoint of a run folder, or null when it has none. A crash between the two renames of
 * `saveCheckpoint` leaves the previous checkpoint as `.old`; when the newest one is damaged (its
 * state unreadable, its weights failing their hash), the previous one is used and `onWarning`
 * says why. A state of another version is refused with a message saying so.
 */
export async function loadCheckpoint(
  outDir: string,
  spec: ModelSpec,
  kind: 'contrastive' | 'classification',
  onWarning: (message: string) => void = () => {},
): Promise<LoadedCheckpoint | null> {
  const dir = checkpointDir(outDir);
  const sources = [dir, `${dir}.old`].filter((source) => existsSync(join(source, 'state.json')));
  if (sources.length === 0) return null;
  let problem = '';
  for (const source of sources) {
    const statePath = join(source, 'state.json');
    let state: LoopState;
    try {
      state = JSON.parse(await readFile(statePath, 'utf8')) as LoopState;
    } catch {
      problem = `${statePath} is not valid JSON`;
      onWarning(`${problem}; trying the previous checkpoint`);
      continue;
    }
    if (state.version !== STATE_VERSION) {
      throw new UserInputError(
        '--resume',
        `${statePath} is loop-state version ${String(state.version)}; this Sieve reads version ${STATE_VERSION}. Resume it with the Sieve that wrote it, or start the run again.`,
      );
    }
    try {
      const learner = kind === 'contrastive' ? await loadContrastiveModel(join(source, 'learner'), spec) : await loadClassifierModel(join(source, 'learner'), spec);
      return { learner, state };
    } catch (error) {
      if (!isUserInputError(error)) throw error;
      problem = error.message;
      onWarning(`the checkpoint in ${source} is damaged (${problem}); trying the previous one`);
    }
  }
  throw new UserInputError('--resume', `no usable checkpoint in ${outDir}: ${problem}. Start the run again with --overwrite.`);
}

export const LOOP_STATE_VERSION = STATE_VERSION;
