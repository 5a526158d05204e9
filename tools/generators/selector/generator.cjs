// `nx g @sieve/tools:selector NAME`: a new selector plugin package in plugins/selector-NAME.
// Plain CommonJS, so that Nx runs it with neither ts-node nor swc. The trainer finds every
// plugins/*/ package named @sieve/selector-* by itself, so the new selector trains at once with
// `--selector NAME`.
'use strict';

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The names a selector called `selector` gets in code, npm and Nx. */
function pluginNames(selector, directory = 'plugins') {
  if (typeof selector !== 'string' || !KEBAB_CASE.test(selector)) {
    throw new Error(`name: "${selector}" is not a kebab-case name; use lower-case words joined by hyphens, e.g. loss-band.`);
  }
  const [first, ...rest] = selector.split('-');
  return {
    selector,
    // The name its test imports the plugin by: loss-band gives lossBand.
    camelName: first + rest.map((word) => word[0].toUpperCase() + word.slice(1)).join(''),
    packageName: `@sieve/selector-${selector}`,
    projectName: `selector-${selector}`,
    folder: `${directory.replace(/\/+$/, '')}/selector-${selector}`,
  };
}

/** The files of the new plugin, by path inside its folder. The selector works as written. */
function pluginFiles(names) {
  const { selector, camelName, packageName, projectName, folder } = names;
  const toRoot = folder
    .split('/')
    .map(() => '..')
    .join('/');
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'package.json': json({ name: packageName, version: '0.1.0', private: true, type: 'module', exports: { '.': './src/index.ts' } }),
    'project.json': json({
      name: projectName,
      $schema: `${toRoot}/node_modules/nx/schemas/project-schema.json`,
      sourceRoot: `${folder}/src`,
      projectType: 'library',
      tags: [],
      targets: { typecheck: {}, lint: {}, test: {} },
    }),
    'tsconfig.json': json({ extends: `${toRoot}/tsconfig.base.json`, include: ['src/**/*.ts', '*.ts'] }),
    'vitest.config.ts': `import { sharedTestConfig } from '${toRoot}/vitest.shared.ts';\n\nexport default sharedTestConfig;\n`,
    'README.md': `# ${packageName}

The \`${selector}\` data selector for Sieve: each step it keeps the b candidates whose own pair is
most learnable, S_ii = L_learner − L_reference (on classification, each example's loss
difference). It is a starting point: edit \`src/index.ts\` into your own idea.

\`\`\`bash
npx nx run ${projectName}:test                              # its tests, with the selector contract suite
npx nx run trainer:train --selector ${selector}             # a training run with it
npx nx run trainer:bench --selectors uniform,${selector}    # benchmarked against uniform
\`\`\`

The trainer loads every package named \`@sieve/selector-*\` in \`plugins/\` by itself; elsewhere,
pass \`--plugin ./${folder}/src/index.ts\`. The contract, the scoring context and the helpers are in
\`docs/plugins.md\` and \`docs/method.md\` of the Sieve repository.
`,
    'src/index.ts': `import { z } from 'zod';
import { defineSelector } from '@sieve/core';
import { scoreMatrix, topK } from '@sieve/selection';

/**
 * \`${selector}\`: keeps the b candidates whose own pair is most learnable, S_ii = L_learner - L_reference
 * (on classification, each example's loss difference). Edit \`select\` to make it your own.
 */
export default defineSelector({
  name: '${selector}',
  summary: 'The b candidates with the most learnable own pair (a new plugin: edit me).',
  // Its selectorOptions, checked before training starts (unknown keys refused); it takes none.
  options: z.strictObject({}),
  // The reference model's losses: the engine prepares the reference before step 1.
  needs: { referenceModel: true },
  create: () => ({
    async select(context) {
      // The context computes each model's losses once per step and charges them to scoring. The
      // matrices are shared and read-only; a selector must depend only on its context (and
      // context.rng for randomness) so that a resumed run is exact.
      const scores = await scoreMatrix(context, 'learnability');
      const n = scores.size;
      const own = Float32Array.from({ length: n }, (_, i) => scores.values[i * n + i]);
      const indices = topK(own, context.batchSize);
      const chosenMean = Array.from(indices).reduce((sum, i) => sum + own[i], 0) / indices.length;
      return { indices, diagnostics: { meanOwnLearnabilityChosen: chosenMean } };
    },
  }),
});
`,
    'src/index.test.ts': `import { describe, expect, it } from 'vitest';
import type { LossMatrix } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, selectionProblems, selectorSettings } from '@sieve/selection/testing';
import ${camelName} from './index';

// The selector contract: b distinct indices for both tasks and the edge shapes, reproducible,
// no tensors left, bad options refused.
describeSelectorConformance(${camelName});

describe('${selector} selector', () => {
  it('keeps the b candidates with the highest S_ii = L_learner - L_reference (hand-worked)', async () => {
    // Own-pair losses: learner 5, 1, 4, 2 and reference 1, 1, 1, 1: S_ii = 4, 0, 3, 1.
    // The top two are candidates 0 (4) and 2 (3); off-diagonal entries do not matter here.
    const learner: LossMatrix = { kind: 'pairwise', size: 4, values: new Float32Array(16).fill(9) };
    [5, 1, 4, 2].forEach((loss, i) => (learner.values[i * 4 + i] = loss));
    const reference: LossMatrix = { kind: 'pairwise', size: 4, values: new Float32Array(16).fill(1) };
    const selector = selectorFactoryOf(${camelName}).create(selectorSettings({}, { batchSize: 2, superBatchSize: 4, chunks: 1 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, learner, reference }));
    expect(selectionProblems(selection, 4, 2)).toEqual([]);
    expect(Array.from(selection.indices).sort((a, b) => a - b)).toEqual([0, 2]);
    expect(selection.diagnostics?.meanOwnLearnabilityChosen).toBeCloseTo(3.5, 6);
  });
});
`,
  };
}

/**
 * Writes the plugin into the Nx tree (Nx writes it to disk, or lists it with --dry-run). Refuses
 * a folder that exists. Returns a callback that prints what to run next.
 */
function selectorGenerator(tree, options) {
  const names = pluginNames(options.name, options.directory || 'plugins');
  if (tree.exists(names.folder)) {
    throw new Error(`${names.folder} already exists; choose another name or remove that folder.`);
  }
  for (const [file, text] of Object.entries(pluginFiles(names))) tree.write(`${names.folder}/${file}`, text);
  return () => {
    process.stdout.write(
      [
        '',
        `next: npx nx run ${names.projectName}:test`,
        `      npx nx run trainer:train --selector ${names.selector}`,
        '      (run `npm install` once to link the package for editors and other workspaces)',
        '',
      ].join('\n'),
    );
  };
}

module.exports = selectorGenerator;
module.exports.default = selectorGenerator;
module.exports.selectorGenerator = selectorGenerator;
module.exports.pluginNames = pluginNames;
module.exports.pluginFiles = pluginFiles;
