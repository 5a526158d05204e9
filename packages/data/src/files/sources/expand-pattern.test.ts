import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandBraces, expandWildcards } from './expand-pattern';
import { tempFolder } from '../../testing';

describe('expandBraces', () => {
  it('expands zero-padded numeric ranges, plain ranges, comma lists and several groups', () => {
    expect(expandBraces('d/{00008..00011}.tar')).toEqual(['d/00008.tar', 'd/00009.tar', 'd/00010.tar', 'd/00011.tar']);
    expect(expandBraces('{9..11}')).toEqual(['9', '10', '11']);
    expect(expandBraces('{3..1}')).toEqual(['3', '2', '1']);
    expect(expandBraces('x/{a,b}-{0..1}.tar')).toEqual(['x/a-0.tar', 'x/a-1.tar', 'x/b-0.tar', 'x/b-1.tar']);
    expect(expandBraces('plain.tar')).toEqual(['plain.tar']);
  });
});

describe('expandWildcards', () => {
  it('matches * and ? in the file name, sorted by name, without hidden files', async () => {
    const folder = tempFolder();
    for (const name of ['b.tar', 'a.tar', 'a1.tar', '.hidden.tar', 'c.txt']) writeFileSync(join(folder, name), '');
    mkdirSync(join(folder, 'd.tar'));
    expect(await expandWildcards(join(folder, '*.tar'))).toEqual(['a.tar', 'a1.tar', 'b.tar', 'd.tar'].map((n) => join(folder, n)));
    expect(await expandWildcards(join(folder, '?.tar'))).toEqual(['a.tar', 'b.tar', 'd.tar'].map((n) => join(folder, n)));
    expect(await expandWildcards(join(folder, 'z*.tar'))).toEqual([]);
  });
});
