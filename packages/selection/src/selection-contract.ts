import type { Selection } from '@sieve/core';

/**
 * What is wrong with a selection against the `Selection` contract, in words its author can act
 * on, in the order found; empty when it meets it:
 * - `indices`: an Int32Array of exactly b distinct whole numbers in [0, N);
 * - `trainingResolutions`, when given: one `fine` or `coarse` per index;
 * - `diagnostics`, when given: finite numbers.
 * The engine stops a run at the step of the first problem, naming the plugin; the conformance kit
 * lists them all. Each reads after the selector's name: `selector "x" returned 3 indices; ...`.
 */
export function selectionProblems(selection: Selection, superBatchSize: number, batchSize: number): string[] {
  const rule = `a selection must be exactly ${batchSize} distinct whole numbers in [0, ${superBatchSize})`;
  const indices: ArrayLike<number> | undefined = selection?.indices;
  if (indices === undefined || indices === null || typeof indices.length !== 'number') return [`returned no indices; ${rule}`];
  const problems: string[] = [];
  if (indices.length !== batchSize) problems.push(`returned ${indices.length} indices; ${rule}`);
  const seen = new Set<number>();
  for (let position = 0; position < indices.length; position++) {
    const index = indices[position];
    if (!Number.isInteger(index)) problems.push(`returned ${index}, not a whole number, at position ${position}; ${rule}`);
    else if (index < 0 || index >= superBatchSize) problems.push(`returned ${index}, out of range, at position ${position}; ${rule}`);
    else if (seen.has(index)) problems.push(`returned ${index} twice; ${rule}`);
    seen.add(index);
  }
  if (!(indices instanceof Int32Array)) problems.push(`returned its indices as ${kindOf(indices)}; they must be an Int32Array (Int32Array.from(...))`);
  const resolutions: unknown = selection.trainingResolutions;
  if (resolutions !== undefined) {
    const given = Array.isArray(resolutions) ? resolutions : [];
    if (given.length !== indices.length) {
      problems.push(`returned ${Array.isArray(resolutions) ? given.length : kindOf(resolutions)} trainingResolutions for ${indices.length} indices; give one "fine" or "coarse" per index, or none`);
    }
    given.forEach((resolution: unknown, position) => {
      if (resolution !== 'fine' && resolution !== 'coarse') problems.push(`returned trainingResolutions[${position}] = ${JSON.stringify(resolution)}; each must be "fine" or "coarse"`);
    });
  }
  for (const [name, value] of Object.entries(selection.diagnostics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`returned diagnostic ${name} = ${String(value)}; diagnostics must be finite numbers`);
  }
  return problems;
}

function kindOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const name: string = value.constructor?.name ?? 'Object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
