/**
 * The files of a new selector plugin, as strings. The selector they define works as written:
 * it keeps the b candidates with the highest learnability of their own pair (S_ii), which is
 * the independent form of JEST's score, and is meant to be edited into the user's own idea.
 */
export interface PluginNames {
  /** The `--selector` value, kebab-case: `my-selector`. */
  selector: string;
  /** `MySelector`. */
  className: string;
  /** `mySelector`. */
  camelName: string;
  /** `@sieve/selector-my-selector`. */
  packageName: string;
  /** Nx project name: `selector-my-selector`. */
  projectName: string;
  /** Folder from the workspace root: `plugins/selector-my-selector`. */
  folder: string;
}

export function pluginFiles(names: PluginNames): Record<string, string> {
  const { selector, className, camelName, packageName, projectName, folder } = names;
  const toRoot = folder.split('/').map(() => '..').join('/');
  return {
    'package.json': `${JSON.stringify({ name: packageName, version: '0.1.0', private: true, type: 'module', exports: { '.': './src/index.ts' } }, null, 2)}\n`,
    'project.json': `${JSON.stringify(
      {
        name: projectName,
        $schema: `${toRoot}/node_modules/nx/schemas/project-schema.json`,
        sourceRoot: `${folder}/src`,
        projectType: 'library',
        tags: [],
        targets: { typecheck: {}, lint: {}, test: {} },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify({ extends: `${toRoot}/tsconfig.base.json`, include: ['src/**/*.ts', '*.ts'] }, null, 2)}\n`,
    'vitest.config.ts': `import { sharedTestConfig } from '${toRoot}/vitest.shared.ts';\n\nexport default sharedTestConfig;\n`,
    'src/index.ts': `import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { ${camelName}Factory } from './${selector}-selector';

export { ${className}, ${camelName}Factory } from './${selector}-selector';

/** The plugin: a ContainerModule as the default export, binding the factory to the shared token. */
export default new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(${camelName}Factory);
});
`,
    [`src/${selector}-selector.ts`]: `import type { ScoringContext, Selection, Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { checkBatchFits, rejectUnknownOptions, scoreMatrix, topK } from '@sieve/selection';

/**
 * \`${selector}\`: keeps the b candidates whose own pair is most learnable, S_ii = L_learner - L_reference
 * (on classification, each example's loss difference). Edit \`select\` to make it your own; see
 * plugins/README.md for the contract and the helpers in @sieve/selection.
 */
export class ${className} implements Selector {
  readonly name = '${selector}';

  async select(context: ScoringContext): Promise<Selection> {
    // The context computes each model's losses once per step and charges them to scoring.
    const scores = await scoreMatrix(context, 'learnability');
    const n = scores.size;
    const own = Float32Array.from({ length: n }, (_, i) => scores.values[i * n + i]);
    const indices = topK(own, context.batchSize);
    const chosenMean = Array.from(indices).reduce((sum, i) => sum + own[i], 0) / indices.length;
    return { indices, diagnostics: { meanOwnLearnabilityChosen: chosenMean } };
  }
}

export const ${camelName}Factory: SelectorFactory = {
  name: '${selector}',
  summary: 'The b candidates with the most learnable own pair (a new plugin: edit me).',
  create(settings: SelectorSettings): Selector {
    // Validate options here, before training starts; this selector takes none.
    rejectUnknownOptions(settings.options, [], '${selector}');
    checkBatchFits(settings.batchSize, settings.superBatchSize);
    return new ${className}();
  },
};
`,
    [`src/${selector}-selector.test.ts`]: `import { describe, expect, it } from 'vitest';
import { UserInputError, type LossMatrix } from '@sieve/core';
import { fixedScoringContext, selectionProblems } from '@sieve/selection/testing';
import { ${camelName}Factory } from './${selector}-selector';

const settings = (options: Record<string, unknown> = {}) => ({
  task: 'contrastive' as const,
  batchSize: 2,
  superBatchSize: 4,
  chunks: 1,
  seed: 0,
  options,
});

describe('${selector} selector', () => {
  it('keeps the b candidates with the highest S_ii = L_learner - L_reference', async () => {
    // Own-pair losses: learner 5, 1, 4, 2 and reference 1, 1, 1, 1: S_ii = 4, 0, 3, 1.
    // The top two are candidates 0 (4) and 2 (3); off-diagonal entries do not matter here.
    const learner: LossMatrix = { kind: 'pairwise', size: 4, values: new Float32Array(16).fill(9) };
    [5, 1, 4, 2].forEach((loss, i) => (learner.values[i * 4 + i] = loss));
    const reference: LossMatrix = { kind: 'pairwise', size: 4, values: new Float32Array(16).fill(1) };
    const selection = await ${camelName}Factory.create(settings()).select(fixedScoringContext({ batchSize: 2, learner, reference }));
    expect(selectionProblems(selection, 4, 2)).toEqual([]);
    expect(Array.from(selection.indices).sort((a, b) => a - b)).toEqual([0, 2]);
    expect(selection.diagnostics?.meanOwnLearnabilityChosen).toBeCloseTo(3.5, 6);
  });

  it('rejects options it does not know', () => {
    expect(() => ${camelName}Factory.create(settings({ typo: 1 }))).toThrow(UserInputError);
  });
});
`,
  };
}
