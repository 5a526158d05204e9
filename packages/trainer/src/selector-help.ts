import type { SelectorRegistry } from '@sieve/engine';

/** The selector list shown after `train --help`; benchmark-only oracles are marked. */
export function selectorHelpText(registry: SelectorRegistry): string {
  const width = Math.max(0, ...registry.factories.map((f) => f.name.length));
  const lines = registry.factories.map(
    (f) => `  ${f.name.padEnd(width)}  ${f.summary}${f.benchmarkOnly ? '  [benchmark reference, not for training runs]' : ''}`,
  );
  return `\nSelectors:\n${lines.join('\n')}\n`;
}
