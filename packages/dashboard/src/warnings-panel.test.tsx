/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { WarningsPanel } from './warnings-panel';
import { frameWidth } from './visible-width';

describe('WarningsPanel', () => {
  it('shows the latest warnings and how many there were', () => {
    const text = frameOf(<WarningsPanel warnings={['a', 'b', 'c']} warningCount={7} rows={2} width={80} />);
    expect(text.split('\n')).toEqual(['Warnings  latest 2 of 7', '! b', '! c']);
  });

  it('cuts long warnings at the width and draws nothing without warnings', () => {
    const text = frameOf(<WarningsPanel warnings={['x'.repeat(200)]} warningCount={1} rows={3} width={40} />);
    expect(frameWidth(text)).toBeLessThanOrEqual(40);
    expect(text.split('\n')[0]).toBe('Warnings');
    expect(frameOf(<WarningsPanel warnings={[]} warningCount={0} rows={3} width={40} />)).toBe('');
  });
});
