import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, UserInputError, type LossMatrix } from '@sieve/core';
import { loadSelectorRegistry } from '@sieve/engine';
import { fixedScoringContext, randomPairwiseLosses, selectionProblems } from '@sieve/selection/testing';
import { pluginNames, scaffoldSelectorPlugin } from './scaffold';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
// Written where a user's plugin would go, so that its imports resolve as theirs will; removed afterwards.
const testSelector = `scaffold-check-${process.pid}`;
const names = pluginNames(testSelector);
afterAll(() => rmSync(join(workspaceRoot, names.folder), { recursive: true, force: true }));

describe('pluginNames', () => {
  it('derives the class, factory, package, project and folder names from a kebab-case name', () => {
    expect(pluginNames('loss-band')).toEqual({
      selector: 'loss-band',
      className: 'LossBandSelector',
      camelName: 'lossBandSelector',
      packageName: '@sieve/selector-loss-band',
      projectName: 'selector-loss-band',
      folder: 'plugins/selector-loss-band',
    });
    expect(pluginNames('top2', 'examples/').folder).toBe('examples/selector-top2');
  });

  it('rejects names that are not kebab-case, naming the flag', () => {
    for (const bad of ['LossBand', 'loss_band', '-x', 'x-', '2x', '', '../x']) {
      expect(() => pluginNames(bad)).toThrow(UserInputError);
      expect(() => pluginNames(bad)).toThrow(/--name/);
    }
  });
});

describe('scaffoldSelectorPlugin', () => {
  it('writes a plugin that loads by path and selects the top b by own-pair learnability', async () => {
    const written = scaffoldSelectorPlugin(workspaceRoot, names);
    expect(written.sort()).toEqual(
      [
        'package.json',
        'project.json',
        'tsconfig.json',
        'vitest.config.ts',
        'src/index.ts',
        `src/${testSelector}-selector.ts`,
        `src/${testSelector}-selector.test.ts`,
      ]
        .map((file) => `${names.folder}/${file}`)
        .sort(),
    );
    const project = JSON.parse(readFileSync(join(workspaceRoot, names.folder, 'project.json'), 'utf8'));
    expect(project).toMatchObject({ name: names.projectName, sourceRoot: `${names.folder}/src`, targets: { typecheck: {}, lint: {}, test: {} } });
    expect(existsSync(join(workspaceRoot, JSON.parse(readFileSync(join(workspaceRoot, names.folder, 'tsconfig.json'), 'utf8')).extends.replace('../../', '')))).toBe(true);

    const registry = await loadSelectorRegistry([join(workspaceRoot, names.folder, 'src', 'index.ts')]);
    const factory = registry.get(testSelector);
    const learner: LossMatrix = randomPairwiseLosses(new Rng(3), 12);
    const reference: LossMatrix = randomPairwiseLosses(new Rng(4), 12);
    const selector = factory.create({ task: 'contrastive', batchSize: 4, superBatchSize: 12, chunks: 1, seed: 0, options: {} });
    const selection = await selector.select(fixedScoringContext({ batchSize: 4, learner, reference }));
    expect(selectionProblems(selection, 12, 4)).toEqual([]);
    const own = Array.from({ length: 12 }, (_, i) => learner.values[i * 13] - reference.values[i * 13]);
    const expected = own.map((_, i) => i).sort((a, b) => own[b] - own[a] || a - b).slice(0, 4);
    expect(Array.from(selection.indices).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it('refuses to write over an existing folder', () => {
    expect(() => scaffoldSelectorPlugin(workspaceRoot, pluginNames('jest'))).toThrow(/plugins\/selector-jest already exists/);
  });
});
