import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { readCheckpoint, writeCheckpoint, type CheckpointContents } from './checkpoint';
import { tinySpec } from './testing/fixtures';

let tempDir: string;
beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'sieve-checkpoint-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function contents(scale: number): CheckpointContents {
  return {
    kind: 'contrastive',
    spec: tinySpec(),
    parameters: [
      { name: 'a', shape: [2, 3] },
      { name: 'b', shape: [] },
    ],
    values: [Float32Array.from([1, 2, 3, 4, 5, 6].map((v) => v * scale)), Float32Array.of(-10)],
    optimizer: { step: 7, firstMoments: [new Float32Array(6).fill(0.5), Float32Array.of(1)], secondMoments: [new Float32Array(6).fill(0.25), Float32Array.of(2)] },
  };
}

describe('checkpoints', () => {
  it('round-trips parameters and optimizer state, with the weights as one little-endian float32 file', async () => {
    const dir = join(tempDir, 'round-trip');
    await writeCheckpoint(dir, contents(1));
    const read = await readCheckpoint(dir, 'contrastive', tinySpec());
    expect(read).toEqual(contents(1));
    const [weightsFile] = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
    // 7 values x 3 (parameters, first and second moments) x 4 bytes.
    const bytes = await readFile(join(dir, weightsFile));
    expect(bytes.byteLength).toBe(84);
    expect(bytes.readFloatLE(4)).toBe(2);
  });

  it('reports a damaged weights file, naming it', async () => {
    const dir = join(tempDir, 'damaged');
    await writeCheckpoint(dir, contents(2));
    const [weightsFile] = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
    await writeFile(join(dir, weightsFile), Buffer.alloc(10));
    const error = await readCheckpoint(dir, 'contrastive', tinySpec()).catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    expect(String(error)).toContain(weightsFile);
  });

  it('reports a manifest that is not JSON', async () => {
    const dir = join(tempDir, 'not-json');
    await writeCheckpoint(dir, contents(3));
    await writeFile(join(dir, 'manifest.json'), '{ half');
    const error = await readCheckpoint(dir, 'contrastive', tinySpec()).catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    expect(String(error)).toMatch(/manifest\.json: is not valid JSON/);
  });

  it('tells a checkpoint made with another model shape from a damaged one, naming each differing setting and both values', async () => {
    const dir = join(tempDir, 'other-shape');
    await writeCheckpoint(dir, contents(4));
    const error = await readCheckpoint(dir, 'contrastive', tinySpec({ hiddenDim: 32 })).catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    expect(String(error)).toContain('was made with other settings, not damaged');
    expect(String(error)).toContain('hiddenDim saved 16, asked 32');
    expect(String(error)).not.toContain('damaged, save');
  });
});
