import type { Selection } from '@sieve/core';

/**
 * What is wrong with a selection against the `Selection` contract: exactly b indices, whole,
 * distinct and in [0, N), and per-index training resolutions (when given) of the same length.
 * Empty when it is valid.
 */
export function selectionProblems(selection: Selection, superBatchSize: number, batchSize: number): string[] {
  const problems: string[] = [];
  const { indices } = selection;
  if (!(indices instanceof Int32Array)) problems.push('indices is not an Int32Array');
  if (indices.length !== batchSize) problems.push(`expected ${batchSize} indices, got ${indices.length}`);
  const seen = new Set<number>();
  for (const index of indices) {
    if (index < 0 || index >= superBatchSize) problems.push(`index ${index} is outside [0, ${superBatchSize})`);
    if (seen.has(index)) problems.push(`index ${index} is chosen twice`);
    seen.add(index);
  }
  if (selection.trainingResolutions && selection.trainingResolutions.length !== indices.length) {
    problems.push('trainingResolutions and indices differ in length');
  }
  for (const [name, value] of Object.entries(selection.diagnostics ?? {})) {
    if (!Number.isFinite(value)) problems.push(`diagnostic ${name} is not a finite number: ${value}`);
  }
  return problems;
}
