import { describe, expect, it } from 'vitest';
import { shouldUseDashboard } from './should-use-dashboard';

describe('shouldUseDashboard', () => {
  it('follows an explicit setting whatever the terminal', () => {
    expect(shouldUseDashboard(true, { CI: 'true' }, {})).toBe(true);
    expect(shouldUseDashboard(false, {}, { isTTY: true })).toBe(false);
  });

  it('on auto, needs a terminal and no CI', () => {
    expect(shouldUseDashboard('auto', {}, { isTTY: true })).toBe(true);
    expect(shouldUseDashboard('auto', {}, { isTTY: false })).toBe(false);
    expect(shouldUseDashboard('auto', {}, {})).toBe(false);
    expect(shouldUseDashboard('auto', { CI: 'true' }, { isTTY: true })).toBe(false);
    expect(shouldUseDashboard('auto', { CI: '1' }, { isTTY: true })).toBe(false);
    expect(shouldUseDashboard('auto', { CI: 'false' }, { isTTY: true })).toBe(true);
    expect(shouldUseDashboard('auto', { CI: '0' }, { isTTY: true })).toBe(true);
    expect(shouldUseDashboard('auto', { CI: '' }, { isTTY: true })).toBe(true);
  });

  it('on auto, gives a dumb terminal plain lines', () => {
    expect(shouldUseDashboard('auto', { TERM: 'dumb' }, { isTTY: true })).toBe(false);
    expect(shouldUseDashboard('auto', { TERM: 'xterm-256color' }, { isTTY: true })).toBe(true);
    expect(shouldUseDashboard(true, { TERM: 'dumb' }, { isTTY: true })).toBe(true);
  });
});
