import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { userErrorField as fieldOf } from '@sieve/selection/testing';
import { batchScript, checkSlurmOptions, shellWord } from './batch-script';

describe('batchScript', () => {
  it('puts each given option in an #SBATCH line before the first command, and leaves out the others', () => {
    const text = batchScript({
      jobName: 'sieve-bench-runs',
      array: '1-2%2',
      output: '/b/logs/slurm-%A_%a.out',
      options: { partition: 'gpu', gres: 'gpu:1', cpusPerTask: 4 },
      comment: 'one line\nand another',
      body: ['echo "$SLURM_ARRAY_TASK_ID"'],
    });
    expect(text.split('\n')).toEqual([
      '#!/usr/bin/env bash',
      '#SBATCH --job-name=sieve-bench-runs',
      '#SBATCH --array=1-2%2',
      '#SBATCH --output=/b/logs/slurm-%A_%a.out',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --cpus-per-task=4',
      '# one line',
      '# and another',
      'set -euo pipefail',
      'echo "$SLURM_ARRAY_TASK_ID"',
      '',
    ]);
  });
});

describe('shellWord', () => {
  it('gives bash back the same word, whatever it holds', () => {
    for (const word of ['plain', '/a b/c', "it's", '$HOME', 'a"b', '`x`', 'tab\there', '']) {
      expect(execFileSync('bash', ['-c', `printf %s ${shellWord(word)}`], { encoding: 'utf8' })).toBe(word);
    }
    expect(shellWord('/usr/bin/node')).toBe('/usr/bin/node');
  });
});

describe('checkSlurmOptions', () => {
  it('refuses a value that would break its #SBATCH line, naming the flag', () => {
    expect(checkSlurmOptions({ time: '1-00:00:00', gres: 'gpu:a100:2' })).toEqual({ time: '1-00:00:00', gres: 'gpu:a100:2' });
    expect(fieldOf(() => checkSlurmOptions({ partition: 'gpu\n#SBATCH --x' }))).toBe('--partition');
    expect(fieldOf(() => checkSlurmOptions({ account: 'a b' }))).toBe('--account');
    expect(fieldOf(() => checkSlurmOptions({ cpusPerTask: 0 }))).toBe('--cpus-per-task');
  });
});
