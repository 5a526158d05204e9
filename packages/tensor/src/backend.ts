import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BACKEND_NAMES, UserInputError } from '@sieve/core';
import { assessGpuBackend } from './gpu-check';
import { measureMatmulGflops } from './matmul-speed';

/** A value of `--backend`. */
export type BackendRequest = (typeof BACKEND_NAMES)[number];
/** A backend that can actually run. */
export type BackendName = Exclude<BackendRequest, 'auto'>;

export interface BackendInfo {
  /** The backend in use. */
  name: string;
  /** What was asked for (`auto` or a backend name). */
  requested: string;
  /** Better backends that `auto` passed over, and why. */
  skipped: { name: string; reason: string }[];
  /** Things the user must hear about (e.g. a GPU backend that computes on the CPU). */
  warnings: string[];
  /** True when computing on a GPU, false when on a CPU, null when it could not be told. */
  onGpu: boolean | null;
}

/** Best first: the order `auto` tries. */
const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const NODE_PACKAGES: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** The name tfjs registers each backend under. */
const TFJS_NAMES: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let current: BackendInfo | null = null;
let wasmPathsSet = false;

/** Selects and initialises the tensor backend. Calling again with the same request returns the same answer. */
export async function initBackend(requested: BackendRequest): Promise<BackendInfo> {
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new UserInputError('--backend', `"${String(requested)}" is not a backend; use one of ${validNames()}.`);
  }
  if (current && current.requested === requested && tf.getBackend() === TFJS_NAMES[current.name as BackendName]) {
    return structuredClone(current);
  }
  const info = requested === 'auto' ? await initAuto() : await initForced(requested);
  current = info;
  return structuredClone(info);
}

async function initAuto(): Promise<BackendInfo> {
  const skipped: BackendInfo['skipped'] = [];
  for (const name of AUTO_ORDER) {
    const attempt = await tryBackend(name);
    if (attempt.ok) return { name, requested: 'auto', skipped, warnings: attempt.warnings, onGpu: attempt.onGpu };
    skipped.push({ name, reason: attempt.reason });
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new UserInputError('--backend', `no tensor backend could be started (${reasons}). Reinstall with \`npm ci\`.`);
}

async function initForced(name: BackendName): Promise<BackendInfo> {
  const attempt = await tryBackend(name);
  if (!attempt.ok) {
    throw new UserInputError(
      '--backend',
      `"${name}" cannot be used: ${attempt.reason}. Valid backends: ${validNames()} ("auto" picks the best one that loads).`,
    );
  }
  return { name, requested: name, skipped: [], warnings: attempt.warnings, onGpu: attempt.onGpu };
}

type Attempt = { ok: true; warnings: string[]; onGpu: boolean | null } | { ok: false; reason: string };

async function tryBackend(name: BackendName): Promise<Attempt> {
  const packageName = NODE_PACKAGES[name];
  if (packageName) {
    const loaded = await importOptional(packageName);
    if (!loaded.ok) return loaded;
  }
  if (name === 'wasm') {
    const located = locateWasmFiles();
    if (!located.ok) return located;
  }
  if (name === 'cpu') {
    // The cpu backend's first use prints advice to install tfjs-node; BackendInfo.skipped already says so.
    tf.env().set('PROD', true);
  }
  let started: boolean;
  try {
    started = await tf.setBackend(TFJS_NAMES[name]);
    await tf.ready();
  } catch (error) {
    return { ok: false, reason: `it failed to start: ${messageOf(error)}` };
  }
  if (!started || tf.getBackend() !== TFJS_NAMES[name]) {
    return { ok: false, reason: 'it failed to start (tfjs could not initialise it)' };
  }
  if (name === 'tensorflow-gpu') return { ok: true, ...verifyGpu() };
  return { ok: true, warnings: [], onGpu: false };
}

/** Trust neither the package name nor the backend's flag alone: also time a matmul. */
function verifyGpu(): { warnings: string[]; onGpu: boolean } {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: unknown };
  return assessGpuBackend(backend.isUsingGpuDevice === true, measureMatmulGflops(1024, 3));
}

async function importOptional(packageName: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    // A variable specifier keeps TypeScript and bundlers from resolving a package that is optional.
    const specifier: string = packageName;
    await import(specifier);
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return { ok: false, reason: `${packageName} is not installed (optional: \`npm install ${packageName}\`)` };
    }
    return { ok: false, reason: `${packageName} is installed but failed to load: ${messageOf(error)}` };
  }
}

/** In Node the wasm backend reads its .wasm binaries from a directory given as a file path prefix. */
function locateWasmFiles(): { ok: true } | { ok: false; reason: string } {
  if (wasmPathsSet) return { ok: true };
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(path.dirname(entry) + path.sep);
    wasmPathsSet = true;
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `its .wasm files could not be located: ${messageOf(error)}` };
  }
}

function validNames(): string {
  return BACKEND_NAMES.join(', ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
