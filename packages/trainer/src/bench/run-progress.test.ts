import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { lastStepOf } from './run-progress';

afterAll(removeTempDirs);

describe('lastStepOf', () => {
  it('is the last step event of events.jsonl, past a torn last line and other events', () => {
    const dir = tempDir('sieve-run-progress-');
    expect(lastStepOf(dir)).toBeNull();
    const lines = [
      JSON.stringify({ type: 'run-start' }),
      JSON.stringify({ type: 'step', step: 41, totalSteps: 100 }),
      JSON.stringify({ type: 'step', step: 97, totalSteps: 100 }),
      JSON.stringify({ type: 'point', point: { step: 100 } }),
      '{"type":"step","st',
    ];
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n'));
    expect(lastStepOf(dir)).toBe(97);
  });

  it('reads only the tail of a long file', () => {
    const dir = tempDir('sieve-run-progress-');
    const filler = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'log', message: `line ${i}` }));
    writeFileSync(join(dir, 'events.jsonl'), [JSON.stringify({ type: 'step', step: 5 }), ...filler, JSON.stringify({ type: 'step', step: 3999 }), ''].join('\n'));
    expect(lastStepOf(dir)).toBe(3999);
  });
});
