/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { CompactView } from './compact-view';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { frameWidth } from './visible-width';

describe('CompactView', () => {
  it('puts the key numbers in one narrow column', () => {
    const text = frameOf(<CompactView state={stateOf(handMadeEvents())} width={40} keyHint="stop after this step" />);
    expect(frameWidth(text)).toBeLessThanOrEqual(40);
    expect(text).toContain('620/1500 steps  41%');
    expect(text).toContain('score 41.2% (best 41.2%) · loss 2.345');
    expect(text).toContain('energy 41.5 W · 12.3 kJ · measured');
    expect(text).toContain('clean 52%');
    expect(text).toContain('! selector: 3 chunks');
    expect(text.split('\n').at(-1)).toBe('q stop after this step');
  });
});
