import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What the GPU adapter says of itself (WebGPU's `GPUAdapterInfo`). */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export type WebGpuProbe = { ok: true; adapter: WebGpuAdapter } | { ok: false; reason: string };

export interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: { powerPreference?: string }): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}
interface DawnAdapter {
  info?: Partial<WebGpuAdapter> & { isFallbackAdapter?: boolean };
}

/** Where Linux distributions keep the Vulkan loader that Dawn opens. */
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib'];

/**
 * On Linux, Dawn runs WebGPU on Vulkan and, without its loader, prints a native warning before
 * finding no adapter. Looking for `libvulkan.so.1` first gives the reason without the noise.
 */
export function vulkanLoaderFound(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((dir) => dir !== ''), ...LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/** Adapters that are a CPU rasteriser, not a GPU: as slow as wasm, and not what `webgpu` promises. */
export function isSoftwareAdapter(info: Partial<WebGpuAdapter> & { isFallbackAdapter?: boolean }): boolean {
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp/.test(text);
}

/**
 * Finds a GPU adapter through Dawn (the `webgpu` package) and makes it the process's
 * `navigator.gpu`, which the tfjs webgpu backend reads. Resolves to the adapter, or to why there
 * is none: the package missing, no Vulkan loader, no adapter, or only a software one.
 */
export async function probeWebGpu(importDawn: () => Promise<DawnModule>, env: NodeJS.ProcessEnv = process.env): Promise<WebGpuProbe> {
  let dawn: DawnModule;
  try {
    dawn = await importDawn();
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (!vulkanLoaderFound(env)) {
    return { ok: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine; WebGPU on Linux runs on Vulkan: install libvulkan1 and the GPU driver' };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  let adapter: DawnAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ok: false, reason: `Dawn failed to look for an adapter: ${(error as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: 'Dawn found no WebGPU adapter (no GPU with a Vulkan driver)' };
  const info = adapter.info ?? {};
  const described: WebGpuAdapter = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  if (isSoftwareAdapter(info)) return { ok: false, reason: `the only WebGPU adapter is a CPU renderer (${describeAdapter(described)}), no faster than wasm` };
  // Node 20 has no `navigator`; Node 21+ has one without `gpu`.
  const navigator = ((globalThis as { navigator?: object }).navigator ??= {});
  Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  return { ok: true, adapter: described };
}

export function describeAdapter(adapter: WebGpuAdapter): string {
  return [adapter.vendor, adapter.architecture, adapter.device || adapter.description].filter((part) => part !== '').join(' ') || 'an adapter that names nothing';
}
