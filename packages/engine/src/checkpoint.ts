import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError, isUserInputError, type PerPhase, type RunConfig } from '@sieve/core';
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
  /** The resolved settings the checkpoint was made with (absent in checkpoints of older runs): a resume must use the same. */
  settings?: ResumeSettings;
}

/** The loop's state before its first step, with `ledger` the state of a ledger that has counted nothing. */
export function freshLoopState(config: RunConfig, ledger: LedgerState): LoopState {
  return {
    version: STATE_VERSION,
    step: 0,
    examplesScored: 0,
    ledger,
    lastJoulesTotal: 0,
    lastJoulesByPhase: { ...ledger.joules },
    lastSecondsByPhase: { ...ledger.seconds },
    joulesByDevice: {},
    poolReferenceLossesCharged: false,
    firstLoss: null,
    runSeconds: 0,
    loopSeconds: 0,
    settings: resumeSettingsOf(config),
  };
}

/** The settings a run must keep to resume: all of its config but where it and its caches live, and how it is watched. */
export type ResumeSettings = Record<string, unknown>;

export function resumeSettingsOf(config: RunConfig): ResumeSettings {
  const { out: _out, dashboard: _dashboard, energy, guards, data, reference, ...settings } = config;
  // The meter may be switched off for the rest of a run (--no-energy), the stall limit changed and
  // the caches moved (they are keyed by content); what is trained and measured may not change.
  const { enabled: _enabled, ...meter } = energy;
  const { stallSeconds: _stallSeconds, ...numericalGuards } = guards;
  const { cacheDir: _dataCache, ...dataSettings } = data;
  const { cacheDir: _referenceCache, ...referenceSettings } = reference;
  return JSON.parse(JSON.stringify({ ...settings, energy: meter, guards: numericalGuards, data: dataSettings, reference: referenceSettings })) as ResumeSettings;
}

/**
 * Refuses a resume whose config.json differs from the settings its newest readable checkpoint was
 * made with, naming every field that differs and both values. Reads only; writes nothing.
 */
export function checkResumeSettings(outDir: string, config: RunConfig): void {
  const dir = checkpointDir(outDir);
  for (const source of [dir, `${dir}.old`]) {
    let state: Partial<LoopState>;
    try {
      state = JSON.parse(readFileSync(join(source, 'state.json'), 'utf8')) as Partial<LoopState>;
    } catch {
      continue; // missing or unreadable: loadCheckpoint says which and falls back
    }
    if (!state.settings) return;
    const differences = settingDifferences(state.settings, resumeSettingsOf(config));
    if (differences.length === 0) return;
    const lines = differences.map(({ path, saved, now }) => `  ${path}: ${now} in config.json, ${saved} in the checkpoint`);
    throw new UserInputError(
      '--resume',
      `${join(outDir, 'config.json')} no longer matches the settings the run was trained with:\n${lines.join('\n')}\n` +
        `A run resumes only with its own settings: put those fields back, or start a new run with another --out.`,
    );
  }
}

interface SettingDifference {
  path: string;
  saved: string;
  now: string;
}

function settingDifferences(saved: unknown, now: unknown, path = ''): SettingDifference[] {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(saved) && isObject(now)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort();
    return keys.flatMap((key) => settingDifferences(saved[key], now[key], path ? `${path}.${key}` : key));
  }
  const show = (value: unknown) => (value === undefined ? '(not set)' : JSON.stringify(value));
  return show(saved) === show(now) ? [] : [{ path: path || '(root)', saved: show(saved), now: show(now) }];
}

/** Staging folders of checkpoints a killed process never renamed into place. */
export function removeOrphanStaging(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const orphans = readdirSync(outDir).filter((name) => name.startsWith(`${CHECKPOINT_DIR}.tmp-`));
  for (const name of orphans) rmSync(join(outDir, name), { recursive: true, force: true });
  return orphans;
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

