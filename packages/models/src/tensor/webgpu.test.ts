import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { describeAdapter, isSoftwareAdapter, probeWebGpu, vulkanLoaderFound, type DawnModule } from './webgpu';

afterAll(removeTempDirs);

/** A folder holding a file named like the Vulkan loader, on LD_LIBRARY_PATH. */
function withVulkanLoader(): NodeJS.ProcessEnv {
  const dir = tempDir('sieve-vulkan-');
  writeFileSync(join(dir, 'libvulkan.so.1'), '');
  return { LD_LIBRARY_PATH: `/nonexistent:${dir}` };
}

/** Dawn's module surface (create, globals), answering with `adapter`: what the probe reads of the real binding. */
function dawnAnswering(adapter: { info?: Record<string, unknown> } | null): DawnModule {
  return { create: () => ({ requestAdapter: async () => adapter }), globals: { GPUBufferUsage: { MAP_READ: 1 } } };
}

const navigatorOf = () => (globalThis as { navigator?: { gpu?: unknown } }).navigator;

describe('WebGPU probe', () => {
  afterEach(() => {
    const navigator = navigatorOf();
    if (navigator && 'gpu' in navigator) delete navigator.gpu;
  });

  it('finds the Vulkan loader on LD_LIBRARY_PATH, and not in an empty one', () => {
    expect(vulkanLoaderFound(withVulkanLoader())).toBe(true);
    if (process.platform === 'linux') expect(vulkanLoaderFound({ LD_LIBRARY_PATH: tempDir('sieve-no-vulkan-') })).toBe(vulkanLoaderFound({}));
  });

  it('says the package is missing before anything else', async () => {
    const probe = await probeWebGpu(async () => {
      throw new Error('webgpu is not installed (optional: `npm install webgpu @tensorflow/tfjs-backend-webgpu`)');
    }, withVulkanLoader());
    expect(probe).toEqual({ ok: false, reason: 'webgpu is not installed (optional: `npm install webgpu @tensorflow/tfjs-backend-webgpu`)' });
  });

  it('names the Vulkan loader when it is missing', async () => {
    const probe = await probeWebGpu(async () => dawnAnswering(null), { LD_LIBRARY_PATH: '' });
    // Where the system folders hold a loader, the probe goes on and finds this Dawn's empty answer.
    const reason = vulkanLoaderFound({}) ? /Dawn found no WebGPU adapter/ : /no Vulkan loader \(libvulkan\.so\.1\).*install libvulkan1/;
    expect(probe).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('reports no adapter, and passes over a software one', async () => {
    expect(await probeWebGpu(async () => dawnAnswering(null), withVulkanLoader())).toEqual({ ok: false, reason: 'Dawn found no WebGPU adapter (no GPU with a Vulkan driver)' });
    const software = await probeWebGpu(async () => dawnAnswering({ info: { vendor: 'google', architecture: 'swiftshader', device: 'Subzero' } }), withVulkanLoader());
    expect(software).toMatchObject({ ok: false, reason: expect.stringMatching(/CPU renderer \(google swiftshader Subzero\), no faster than wasm/) });
    expect(navigatorOf()?.gpu).toBeUndefined();
  });

  it('makes a GPU adapter the process navigator.gpu, with Dawn\'s globals, and describes it', async () => {
    const probe = await probeWebGpu(async () => dawnAnswering({ info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' } }), withVulkanLoader());
    expect(probe).toEqual({ ok: true, adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' } });
    expect(navigatorOf()?.gpu).toBeDefined();
    expect((globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage).toEqual({ MAP_READ: 1 });
    if (probe.ok) expect(describeAdapter(probe.adapter)).toBe('nvidia hopper NVIDIA H200');
  });

  it('tells software renderers from GPUs', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3' })).toBe(false);
  });
});
