import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BACKEND_NAMES, UserInputError } from '@sieve/core';
import { loadBlas } from './blas';
import { routeWasmMatmulsTo } from './blas-matmul-kernel';
import { assessGpuBackend, MIN_GPU_GFLOPS } from './gpu-check';
import { measureMatmulGflops } from './matmul-speed';
import { readTidy } from './read';
import { describeAdapter, probeWebGpu, type DawnModule } from './webgpu';

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
  /** The device computing, as far as the backend tells it (webgpu: the adapter's vendor, architecture, device). */
  device?: string;
}

/** Best first: the order `auto` tries. */
const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm-blas', 'wasm', 'cpu'];

const NODE_PACKAGES: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** WebGPU in Node: Dawn's binding, then the tfjs backend on top of it (which registers only once `navigator.gpu` is there). */
const WEBGPU_PACKAGES = { dawn: 'webgpu', backend: '@tensorflow/tfjs-backend-webgpu' } as const;

/** The name tfjs registers each backend under. */
const TFJS_NAMES: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  webgpu: 'webgpu',
  'wasm-blas': 'wasm',
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
    if (attempt.ok) return { name, requested: 'auto', skipped, warnings: attempt.warnings, onGpu: attempt.onGpu, ...(attempt.device ? { device: attempt.device } : {}) };
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
  return { name, requested: name, skipped: [], warnings: attempt.warnings, onGpu: attempt.onGpu, ...(attempt.device ? { device: attempt.device } : {}) };
}

type Attempt = { ok: true; warnings: string[]; onGpu: boolean | null; device?: string } | { ok: false; reason: string };

async function tryBackend(name: BackendName): Promise<Attempt> {
  const packageName = NODE_PACKAGES[name];
  if (packageName) {
    const loaded = await importOptional(packageName);
    if (!loaded.ok) return loaded;
  }
  let device: string | undefined;
  if (name === 'webgpu') {
    const probe = await probeWebGpu(async () => {
      const loaded = await importOptional(WEBGPU_PACKAGES.dawn, `${WEBGPU_PACKAGES.dawn} ${WEBGPU_PACKAGES.backend}`);
      if (!loaded.ok) throw new Error(loaded.reason);
      return loaded.module as DawnModule;
    });
    if (!probe.ok) return probe;
    device = describeAdapter(probe.adapter);
    const loaded = await importOptional(WEBGPU_PACKAGES.backend);
    if (!loaded.ok) return loaded;
  }
  // wasm-blas: the wasm backend with its matrix products on the system's OpenBLAS (see blas-matmul-kernel.ts).
  const blas = name === 'wasm-blas' ? loadBlas() : null;
  if (blas && 'reason' in blas) return { ok: false, reason: blas.reason };
  if (name === 'wasm' || name === 'wasm-blas') {
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
  if (name === 'wasm' || name === 'wasm-blas') routeWasmMatmulsTo(blas ? blas.blas : null);
  if (blas && 'blas' in blas) return { ok: true, warnings: [], onGpu: false, device: `${blas.blas.description}; ${blas.blas.threads()} threads` };
  if (name === 'tensorflow-gpu') return { ok: true, ...(await verifyGpu()) };
  if (name === 'webgpu') return verifyWebGpu(device!);
  return { ok: true, warnings: [], onGpu: false };
}

/** Trust neither the package name nor the backend's flag alone: also time a matmul. */
async function verifyGpu(): Promise<{ warnings: string[]; onGpu: boolean }> {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: unknown };
  return assessGpuBackend(backend.isUsingGpuDevice === true, await measureMatmulGflops(1024, 3));
}

/**
 * The adapter was found and the backend started; it must also compute the right answer, at a
 * GPU's speed. A wrong answer is a failure (auto moves on, loudly); a slow one a warning.
 */
async function verifyWebGpu(device: string): Promise<Attempt> {
  try {
    const values = await readTidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 1], [2, 1])));
    if (values[0] !== 3 || values[1] !== 7) return { ok: false, reason: `on ${device} it computed (1 2; 3 4)(1; 1) = (${Array.from(values).join('; ')}), not (3; 7)` };
  } catch (error) {
    return { ok: false, reason: `on ${device} it failed its first product: ${messageOf(error)}` };
  }
  const gflops = await measureMatmulGflops(1024, 3);
  const warnings =
    gflops >= MIN_GPU_GFLOPS ? [] : [`WARNING: webgpu on ${device} ran a 1024x1024 matmul at ${gflops.toFixed(1)} GFLOP/s, a CPU's speed; --backend wasm may be as fast.`];
  return { ok: true, warnings, onGpu: gflops >= MIN_GPU_GFLOPS, device };
}

/** Imports an optional package; `install` is what `npm install` needs for it to work (the package, by default). */
async function importOptional(packageName: string, install = packageName): Promise<{ ok: true; module: unknown } | { ok: false; reason: string }> {
  try {
    // A variable specifier keeps TypeScript and bundlers from resolving a package that is optional.
    const specifier: string = packageName;
    return { ok: true, module: await import(specifier) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return { ok: false, reason: `${packageName} is not installed (optional: \`npm install ${install}\`)` };
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
