import type { z } from 'zod';
import { UserInputError, type SelectorFactory, type SelectorPlugin } from '@sieve/core';
import { checkBatchFits } from './validation';

/**
 * The selector as the engine runs it: `create(settings)` checks `settings.options` against the
 * plugin's schema (a `UserInputError` naming `selectorOptions.<key>` for an unknown key or a bad
 * value), checks that b fits in N, and calls the plugin's `create` with the parsed options.
 */
export function selectorFactoryOf<Options>(plugin: SelectorPlugin<Options>): SelectorFactory {
  return {
    name: plugin.name,
    summary: plugin.summary,
    benchmarkOnly: plugin.benchmarkOnly,
    seesNoiseTags: plugin.seesNoiseTags,
    create(settings) {
      const parsed = plugin.options.safeParse(settings.options);
      if (!parsed.success) throw optionsError(plugin, parsed.error);
      checkBatchFits(settings.batchSize, settings.superBatchSize);
      const selector = plugin.create(parsed.data, settings);
      const needs = typeof plugin.needs === 'function' ? plugin.needs(parsed.data, settings) : (plugin.needs ?? {});
      return { name: plugin.name, needs, select: selector.select.bind(selector) };
    },
  };
}

/** Whether `value` is a `SelectorPlugin` (an object with a name, a summary, an options schema and `create`). */
export function isSelectorPlugin(value: unknown): value is SelectorPlugin {
  const candidate = value as Partial<SelectorPlugin> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.create === 'function' &&
    typeof (candidate.options as { safeParse?: unknown } | undefined)?.safeParse === 'function'
  );
}

/** A plugin as the engine runs it; a `SelectorFactory` (a plugin of the inversify form) as it is. */
export function asSelectorFactory(selector: SelectorPlugin | SelectorFactory): SelectorFactory {
  return isSelectorPlugin(selector) ? selectorFactoryOf(selector) : (selector as SelectorFactory);
}

/** The first problem with the options, an unknown key (likely a typo) before a bad value. */
function optionsError(plugin: SelectorPlugin<unknown>, error: z.ZodError): UserInputError {
  const issue = error.issues.find(({ code }) => code === 'unrecognized_keys') ?? error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = optionNames(plugin.options);
    const valid = known.length > 0 ? `Valid options: ${known.join(', ')}.` : 'It takes no options.';
    return new UserInputError(['selectorOptions', ...issue.path, key].join('.'), `selector "${plugin.name}" has no option "${key}". ${valid}`);
  }
  return new UserInputError(['selectorOptions', ...issue.path].join('.'), issue.message);
}

/** The keys an options schema takes: its object's, or its last stage's when it is a pipe. */
function optionNames(schema: z.ZodType): string[] {
  const def = schema._zod.def as { type: string; out?: z.ZodType; shape?: Record<string, unknown> };
  if (def.type === 'pipe' && def.out) return optionNames(def.out);
  return def.shape ? Object.keys(def.shape) : [];
}
