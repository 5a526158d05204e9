import { chmodSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';
import {
  blasKindOf,
  blasWarning,
  combineSgemm,
  FlagError,
  formatPeerBench,
  missingTorchMessage,
  parsePeerBenchFlags,
  parsePeerStepOutput,
  parseSgemmOutput,
  PeerOutputError,
  ratiosOf,
  summariseEngine,
  type PeerBenchSummary,
  type SgemmResult,
} from '../bench/peer';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../..');

const PEER_LINE = JSON.stringify({
  kind: 'peer-step',
  peer: 'pytorch',
  torch: '1.13.0a0',
  numpy: '1.24.2',
  threads: 1,
  torchThreads: 1,
  environment: { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
  blasLibraries: ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'],
  batch: 128,
  superBatch: 640,
  parameters: 256770,
  warmup: 3,
  repeats: 20,
  loss: 5.9,
  trainingStep: { wallMs: 2, cpuMs: 2.1 },
  scoringPass: { wallMs: 6, cpuMs: 6 },
});

const sgemmAt = (threads: number, gflops: number): SgemmResult => ({
  kind: 'sgemm',
  numpy: '1.24.2',
  threads,
  blasLibraries: [],
  shapes: [
    { m: 128, k: 784, n: 256, gflops: gflops * 0.9, medianGflops: gflops * 0.8 },
    { m: 1024, k: 1024, n: 1024, gflops, medianGflops: gflops * 0.95 },
  ],
});

describe("the peer's output", () => {
  it('reads the last JSON line, after any warnings', () => {
    const result = parsePeerStepOutput(`warning: something\n${PEER_LINE}\n`);
    expect(result.threads).toBe(1);
    expect(result.parameters).toBe(256770);
    expect(result.trainingStep).toEqual({ wallMs: 2, cpuMs: 2.1 });
    expect(result.scoringPass.wallMs).toBe(6);
  });

  it('names the script and the problem where the line is missing or wrong', () => {
    expect(() => parsePeerStepOutput('Traceback (most recent call last):\n')).toThrow(/peer_step\.py\) printed no JSON line/);
    expect(() => parsePeerStepOutput('{"kind": "peer-step", "threads": 1')).toThrow(PeerOutputError);
    const noTiming = JSON.stringify({ ...JSON.parse(PEER_LINE), scoringPass: { wallMs: 0, cpuMs: 1 } });
    expect(() => parsePeerStepOutput(noTiming)).toThrow(/scoringPass needs wallMs above 0/);
    expect(() => parsePeerStepOutput(JSON.stringify({ kind: 'sgemm' }))).toThrow(/expected kind "peer-step"/);
  });

  it('reads the sgemm line', () => {
    const result = parseSgemmOutput(JSON.stringify(sgemmAt(2, 100)));
    expect(result.threads).toBe(2);
    expect(result.shapes.map((s) => s.gflops)).toEqual([90, 100]);
    expect(() => parseSgemmOutput(JSON.stringify({ ...sgemmAt(1, 1), shapes: [] }))).toThrow(/no shapes measured/);
  });
});

describe('the sgemm peak over rounds', () => {
  it('keeps per thread count and shape the best block of all rounds and the median of the medians', () => {
    const combined = combineSgemm([sgemmAt(2, 100), sgemmAt(1, 120), sgemmAt(2, 250), sgemmAt(1, 110), sgemmAt(1, 130)]);
    expect(combined.map((r) => r.threads)).toEqual([1, 2]);
    expect(combined[0].shapes[1].gflops).toBe(130);
    expect(combined[0].shapes[1].medianGflops).toBeCloseTo(120 * 0.95, 6);
    expect(combined[1].shapes.map((s) => s.gflops)).toEqual([225, 250]);
  });
});

describe('the BLAS the peer loaded', () => {
  it('tells the OpenBLAS builds and the reference BLAS apart', () => {
    expect(blasKindOf(['/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3'])).toBe('openblas-pthread');
    expect(blasKindOf(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3'])).toBe('openblas-openmp');
    expect(blasKindOf(['/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3'])).toBe('openblas-serial');
    expect(blasKindOf(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'])).toBe('reference');
    expect(blasKindOf(['/opt/intel/lib/libmkl_rt.so.2'])).toBe('mkl');
    expect(blasKindOf([])).toBe('unknown');
  });

  it('warns unless it is the pthread build, naming the package', () => {
    expect(blasWarning('openblas-pthread')).toBeNull();
    expect(blasWarning('reference')).toMatch(/reference BLAS \(about 10x slower.*apt-get install libopenblas0-pthread/);
    expect(blasWarning('openblas-openmp')).toMatch(/openblas-openmp, not OpenBLAS's pthread build/);
  });
});

describe('the flags', () => {
  it('has defaults and reads --name=value as Nx passes it', () => {
    expect(parsePeerBenchFlags([])).toEqual({ backend: 'auto', rounds: 5, repeats: 20, json: false, python: 'python3', help: false });
    expect(parsePeerBenchFlags(['--rounds=2', '--repeats', '3', '--json', '--python', '/usr/bin/python3', '--backend=wasm'])).toMatchObject({
      backend: 'wasm',
      rounds: 2,
      repeats: 3,
      json: true,
      python: '/usr/bin/python3',
    });
  });

  it('names the bad flag and the fix', () => {
    expect(() => parsePeerBenchFlags(['--rounds', 'two'])).toThrow(/--rounds takes a whole number above 0, got "two"; e\.g\. --rounds 5/);
    expect(() => parsePeerBenchFlags(['--repeats', '0'])).toThrow(FlagError);
    expect(() => parsePeerBenchFlags(['--backend', 'blas'])).toThrow(/--backend: "blas" is not a backend; use one of auto, tensorflow-gpu, webgpu, tensorflow, wasm-blas, wasm, cpu/);
    expect(() => parsePeerBenchFlags(['--threads', '4'])).toThrow(/Unknown option '--threads'[\s\S]*usage: nx run tools:peer-bench/);
  });
});

describe('the summary', () => {
  const flops = { trainingStep: 150e6, scoringPass: 380e6 };
  const sgemm = [sgemmAt(1, 120), sgemmAt(2, 200)];
  const sieve = summariseEngine('Sieve (wasm, 1 thread)', 1, [
    { trainingStep: { wallMs: 20, cpuMs: 21 }, scoringPass: { wallMs: 12, cpuMs: 12 } },
    { trainingStep: { wallMs: 30, cpuMs: 31 }, scoringPass: { wallMs: 14, cpuMs: 14 } },
    { trainingStep: { wallMs: 25, cpuMs: 25 }, scoringPass: { wallMs: 10, cpuMs: 10 } },
  ], flops, sgemm);
  const peers = [1, 2].map((threads) =>
    summariseEngine(`PyTorch (${threads})`, threads, [{ trainingStep: { wallMs: 2.5, cpuMs: 2.5 }, scoringPass: { wallMs: 6 / threads, cpuMs: 6 } }], flops, sgemm),
  );

  it('takes the median of the rounds, GFLOP/s at the median wall time and its share of the 1024³ peak at the same threads', () => {
    expect(sieve.trainingStep).toEqual({ wallMs: 25, cpuMs: 25 });
    expect(sieve.trainingGflops).toBeCloseTo(6, 6);
    expect(sieve.trainingPeakShare).toBeCloseTo(6 / 120, 6);
    expect(peers[1].scoringGflops).toBeCloseTo(380e6 / 3 / 1e6, 6);
    expect(peers[1].scoringPeakShare).toBeCloseTo(380e6 / 3 / 1e6 / 200, 6);
  });

  it('divides Sieve by the one-thread peer, and prints the table', () => {
    const ratios = ratiosOf(sieve, peers);
    expect(ratios?.trainingStep).toEqual({ wallMs: 10, cpuMs: 10 });
    expect(ratios?.scoringPass.wallMs).toBeCloseTo(2, 6);
    const summary: PeerBenchSummary = {
      machine: { cpu: 'Some CPU', cores: 2 },
      backend: 'wasm',
      torch: '1.13.0a0',
      numpy: '1.24.2',
      blas: 'openblas-pthread',
      batch: 128,
      superBatch: 640,
      rounds: 3,
      repeats: 20,
      matmulFlops: flops,
      sieve,
      peers,
      sgemm,
      sieveOverPeer: ratios,
    };
    const table = formatPeerBench(summary);
    expect(table).toMatch(/matrix products 150\.0 M FLOPs per step, 380\.0 M per pass/);
    expect(table).toMatch(/Sieve \(wasm, 1 thread\)\s+25\.00\s+25\.00\s+6\.0\s+5%\s+12\.00\s+12\.00\s+31\.7\s+26%/);
    expect(table).toMatch(/Sieve ÷ PyTorch \(1 thread\)\s+10\.00x\s+10\.00x\s+2\.00x\s+2\.00x/);
    expect(table).toMatch(/1024³/);
    expect(table).toMatch(/2 threads\s+180\.0\s+200\.0/);
  });
});

describe('without torch', () => {
  it('says what to install', () => {
    const message = missingTorchMessage('python3', "ModuleNotFoundError: No module named 'torch'");
    expect(message).toMatch(/`python3 -c 'import torch'` failed \(ModuleNotFoundError/);
    expect(message).toMatch(/apt-get install python3-torch libopenblas0-pthread/);
    expect(message).toMatch(/OPENBLAS_NUM_THREADS=1/);
    expect(message).toMatch(/OMP_WAIT_POLICY=PASSIVE/);
    expect(missingTorchMessage('python3', 'x', '/usr/bin/python3')).toMatch(/pass --python \/usr\/bin\/python3/);
  });

  it('the bench exits 2 naming the packages where python3 on PATH cannot import torch', async () => {
    const bin = tempDir('sieve-peer-python-');
    const fake = join(bin, 'python3');
    writeFileSync(fake, `#!/bin/sh\ncase "$*" in *"import torch"*) echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1;; esac\nexit 0\n`);
    chmodSync(fake, 0o755);
    const result = await execa(process.execPath, ['--import', 'tsx', 'tools/bench/peer-bench.ts', '--rounds', '1', '--repeats', '1'], {
      cwd: repoRoot,
      env: { ...withoutColorSettings(), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      reject: false,
      timeout: 60_000,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/`python3 -c 'import torch'` failed \(ModuleNotFoundError: No module named 'torch'\)/);
    expect(result.stderr).toMatch(/apt-get install python3-torch libopenblas0-pthread/);
    expect(result.stdout).toBe('');
  });

  it('the bench exits 2 naming a bad flag before it looks for python', async () => {
    const result = await execa(process.execPath, ['--import', 'tsx', 'tools/bench/peer-bench.ts', '--rounds', '-1'], { cwd: repoRoot, env: withoutColorSettings(), reject: false, timeout: 60_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--rounds/);
  });
});
