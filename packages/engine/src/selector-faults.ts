import { RunFailure, isRunFailure, isUserInputError, type Selection } from '@sieve/core';
import { selectionProblems } from '@sieve/selection';

/** Who made the selection: the selector's name and the plugin (package or module path) that registered it. */
export interface SelectorIdentity {
  name: string;
  plugin: string;
}

function who(selector: SelectorIdentity): string {
  return `selector "${selector.name}" (plugin ${selector.plugin})`;
}

/**
 * A selection that breaks its contract (`selectionProblems`: the indices, the training
 * resolutions, the diagnostics) stops the run at this step with one line saying which selector
 * did what; nothing is trained on it.
 */
export function checkSelection(selection: Selection, batchSize: number, superBatchSize: number, selector: SelectorIdentity, step: number): void {
  const [problem] = selectionProblems(selection, superBatchSize, batchSize);
  if (problem === undefined) return;
  throw new RunFailure({ step, phase: 'selection', message: `${who(selector)} ${problem}. Fix the plugin and resume the run.` });
}

/** A selector that left tensors behind: each leaked tensor stays in memory for the rest of the run. */
export function checkNoTensorLeak(tensorsBefore: number, tensorsAfter: number, selector: SelectorIdentity, step: number): void {
  if (tensorsAfter <= tensorsBefore) return;
  throw new RunFailure({
    step,
    phase: 'selection',
    message: `${who(selector)} left ${tensorsAfter - tensorsBefore} tensors undisposed in one select(); wrap its tensor work in tf.tidy or dispose what it creates, then resume the run.`,
  });
}

/**
 * What a selector threw, as one failure naming the selector and its plugin, with the plugin's own
 * stack frames (the engine's, which say nothing to its author, are left out). A user's mistake in
 * its options (a `UserInputError`) and a failure already named pass through as they are.
 */
export function selectorFault(error: unknown, selector: SelectorIdentity, step: number): unknown {
  if (isUserInputError(error) || isRunFailure(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const frames = error instanceof Error ? pluginFrames(error.stack ?? '') : [];
  return new RunFailure({
    step,
    phase: 'selection',
    message: `${who(selector)} threw: ${message}${frames.length > 0 ? `\n${frames.join('\n')}` : ''}\nFix the plugin and resume the run.`,
  });
}

/** The stack's frames above the training loop's call of `select`: the plugin's and the libraries' it called. */
export function pluginFrames(stack: string): string[] {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  const engineAt = frames.findIndex((line) => /[\\/]engine[\\/](src|dist)[\\/]train\.[jt]s\b/.test(line));
  return engineAt < 0 ? frames : frames.slice(0, engineAt);
}
