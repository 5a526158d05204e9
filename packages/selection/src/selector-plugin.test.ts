import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSelector, isUserInputError, type SelectorSettings } from '@sieve/core';
import { asSelectorFactory, isSelectorPlugin, selectorFactoryOf } from './selector-plugin';
import { choiceOption, numberOption } from './validation';
import { fixedScoringContext, selectorSettings } from './testing';

/** Keeps the first b candidates; records the options its `create` was given. */
function recordingPlugin(options: z.ZodType) {
  const created: unknown[] = [];
  const plugin = defineSelector({
    name: 'first-b',
    summary: 'The first b candidates.',
    options,
    create(parsed) {
      created.push(parsed);
      return { select: async (context) => ({ indices: Int32Array.from({ length: context.batchSize }, (_, i) => i) }) };
    },
  });
  return { plugin, created };
}

function errorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a UserInputError');
}

const withOptions = z.strictObject({
  mode: choiceOption(['sample', 'greedy'], 'sample'),
  low: numberOption('must be a number from 0 to 1', (value) => value >= 0 && value <= 1).default(0.2),
});

describe('selectorFactoryOf: a plugin as the engine runs it', () => {
  it("calls create with the schema's output, defaults filled in, and names the selector after the plugin", async () => {
    const { plugin, created } = recordingPlugin(withOptions);
    const factory = selectorFactoryOf(plugin);
    expect(factory).toMatchObject({ name: 'first-b', summary: 'The first b candidates.' });
    const selector = factory.create(selectorSettings({ mode: 'greedy' }));
    expect(created).toEqual([{ mode: 'greedy', low: 0.2 }]);
    expect(selector.name).toBe('first-b');
    expect(Array.from((await selector.select(fixedScoringContext({ batchSize: 3, superBatchSize: 5 }))).indices)).toEqual([0, 1, 2]);
  });

  it('refuses an unknown option listing the valid ones, before a bad value; a bad value names its field and says why', () => {
    const factory = selectorFactoryOf(recordingPlugin(withOptions).plugin);
    expect(errorOf(() => factory.create(selectorSettings({ moed: 'greedy', low: 2 })))).toEqual({
      field: 'selectorOptions.moed',
      message: 'selectorOptions.moed: selector "first-b" has no option "moed". Valid options: mode, low.',
    });
    expect(errorOf(() => factory.create(selectorSettings({ low: 2 })))).toEqual({ field: 'selectorOptions.low', message: 'selectorOptions.low: must be a number from 0 to 1, got 2.' });
    expect(errorOf(() => factory.create(selectorSettings({ mode: 'best' })))).toEqual({
      field: 'selectorOptions.mode',
      message: 'selectorOptions.mode: unknown value "best". Valid values: sample, greedy (default sample).',
    });
    const none = selectorFactoryOf(recordingPlugin(z.strictObject({})).plugin);
    expect(errorOf(() => none.create(selectorSettings({ mode: 'greedy' }))).message).toBe('selectorOptions.mode: selector "first-b" has no option "mode". It takes no options.');
  });

  it("lists a piped schema's last stage's options, and refuses a batch larger than the super-batch", () => {
    const piped = z.looseObject({}).pipe(z.strictObject({ a: z.number().optional(), b: z.number().optional() }));
    expect(errorOf(() => selectorFactoryOf(recordingPlugin(piped).plugin).create(selectorSettings({ c: 1 }))).message).toMatch(/Valid options: a, b\.$/);
    const settings: SelectorSettings = selectorSettings({}, { batchSize: 41, superBatchSize: 40 });
    expect(errorOf(() => selectorFactoryOf(recordingPlugin(withOptions).plugin).create(settings)).field).toBe('--train-batch-size');
  });

  it('tells a plugin from a factory of the inversify form, which it passes through as it is', () => {
    const { plugin } = recordingPlugin(withOptions);
    const legacy = { name: 'old', summary: 'old form', create: () => ({ name: 'old', select: async () => ({ indices: new Int32Array(0) }) }) };
    expect(isSelectorPlugin(plugin)).toBe(true);
    expect(isSelectorPlugin(legacy)).toBe(false);
    expect(isSelectorPlugin({ ...legacy, options: {} })).toBe(false);
    expect(asSelectorFactory(legacy)).toBe(legacy);
    expect(asSelectorFactory(plugin).create(selectorSettings()).name).toBe('first-b');
  });
});
