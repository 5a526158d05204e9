import type { SelectorRegistry } from '@sieve/engine';

/**
 * The selector list shown after `train --help`; benchmark-only oracles are marked, and a built-in
 * plugin that failed to import is listed with the reason instead of vanishing from the list.
 */
export function selectorHelpText(registry: SelectorRegistry): string {
  const width = Math.max(0, ...registry.factories.map((f) => f.name.length));
  const lines = registry.factories.map(
    (f) => `  ${f.name.padEnd(width)}  ${f.summary}${f.benchmarkOnly ? '  [benchmark reference, not for training runs]' : ''}`,
  );
  const missing = registry.missing.map(({ plugin, reason }) => `  ${plugin} did not load: ${reason} (reinstall with \`npm ci\`)`);
  return `\nSelectors:\n${lines.join('\n')}\n${missing.length > 0 ? `\nNot available:\n${missing.join('\n')}\n` : ''}`;
}
