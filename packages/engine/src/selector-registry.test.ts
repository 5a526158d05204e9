import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { loadSelectorRegistry } from './selector-registry';

afterAll(removeTempDirs);

/** A plain-JavaScript plugin module of the inversify form, binding a factory of a selector named `name`. */
function pluginSource(name: string): string {
  return `const factory = { name: '${name}', summary: 'test', create: () => ({ name: '${name}', select: async (c) => ({ indices: Int32Array.from({ length: c.batchSize }, (_, i) => i) }) }) };
export default { id: 1, load(options) { options.bind(Symbol.for('sieve.SelectorFactory')).toConstantValue(factory); } };\n`;
}

async function problemOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isUserInputError(error)) return error.message;
    throw error;
  }
  return '';
}

describe('loadSelectorRegistry: plugin loading errors', () => {
  const empty = tempDir('sieve-registry-root-'); // a workspace root with no plugins/ of its own

  it('a module that cannot be found: names the path tried', async () => {
    const missing = join(tempDir('sieve-registry-'), 'nope.mjs');
    expect(await problemOf(() => loadSelectorRegistry([missing], empty))).toMatch(
      new RegExp(`^plugins: cannot load selector plugin "${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": .*Cannot find module .*nope\\.mjs.*Give an installed package name or a path`),
    );
  });

  it('a module that exports no selector: says what its default export must be', async () => {
    const file = join(tempDir('sieve-registry-'), 'empty.mjs');
    writeFileSync(file, 'export const nothing = 1;\n');
    expect(await problemOf(() => loadSelectorRegistry([file], empty))).toBe(
      `plugins: "${file}" exports no selector plugin: its default export must be one (an object with name, summary, options and create; see docs/plugins.md), ` +
        'an array of them, or an inversify ContainerModule binding SELECTOR_FACTORY.',
    );
  });

  it('loads a plugin object, an array of them, and a ContainerModule of the first form, whose options it checks by their schema', async () => {
    const dir = tempDir('sieve-registry-');
    // A plugin object built against its own zod, as a package outside the workspace would be.
    const plugin = (name: string) => `{ name: '${name}', summary: '${name} summary', options: z.strictObject({ width: z.number().default(1) }),
      create: (options) => ({ select: async (c) => ({ indices: Int32Array.from({ length: c.batchSize }, (_, i) => i * options.width) }) }) }`;
    writeFileSync(join(dir, 'one.mjs'), `import { z } from 'zod';\nexport default ${plugin('one')};\n`);
    writeFileSync(join(dir, 'two.mjs'), `import { z } from 'zod';\nexport default [${plugin('two-a')}, ${plugin('two-b')}];\n`);
    writeFileSync(join(dir, 'first-form.mjs'), pluginSource('first-form'));
    const registry = await loadSelectorRegistry([join(dir, 'one.mjs'), join(dir, 'two.mjs'), join(dir, 'first-form.mjs')], empty);
    expect(registry.factories.map((factory) => factory.name).slice(-4)).toEqual(['one', 'two-a', 'two-b', 'first-form']);
    expect([registry.pluginOf('two-b'), registry.pluginOf('first-form')]).toEqual([join(dir, 'two.mjs'), join(dir, 'first-form.mjs')]);
    const settings = { task: 'contrastive' as const, batchSize: 2, superBatchSize: 4, chunks: 1, seed: 0 };
    const selector = registry.get('one').create({ ...settings, options: { width: 2 } });
    expect(selector.name).toBe('one');
    expect(await problemOf(async () => registry.get('two-a').create({ ...settings, options: { height: 1 } }))).toBe(
      'selectorOptions.height: selector "two-a" has no option "height". Valid options: width.',
    );
    expect(registry.get('first-form').create({ ...settings, options: {} }).name).toBe('first-form');
  });

  it('the built-in selectors: every name users pass, from the plugin that registers it', async () => {
    const registry = await loadSelectorRegistry([], empty);
    expect(registry.missing).toEqual([]);
    expect(registry.factories.map((factory) => `${factory.name} ${registry.pluginOf(factory.name)}`)).toEqual([
      'cascade @sieve/selector-joint',
      'jest @sieve/selector-joint',
      'hard-negative @sieve/selector-joint',
      'easy-reference @sieve/selector-joint',
      'flexi-jest @sieve/selector-flexi-jest',
      'learnability @sieve/selector-learnability',
      'uniform @sieve/selector-uniform',
      'oracle-clean @sieve/selector-oracle-clean',
      'offline-filter @sieve/selector-offline-filter',
    ]);
    expect(await problemOf(async () => registry.get('jset'))).toBe(
      '--selector: unknown selector "jset". Valid selectors: cascade, jest, hard-negative, easy-reference, flexi-jest, learnability, uniform, oracle-clean, offline-filter.',
    );
  });

  it('two plugins registering one name: names both modules', async () => {
    const dir = tempDir('sieve-registry-');
    const [a, b] = [join(dir, 'a.mjs'), join(dir, 'b.mjs')];
    writeFileSync(a, pluginSource('twin'));
    writeFileSync(b, pluginSource('twin'));
    expect(await problemOf(() => loadSelectorRegistry([a, b], empty))).toBe(`plugins: ${a} and ${b} both register a selector named "twin"; rename one of them.`);
    // And against a built-in.
    writeFileSync(join(dir, 'jest.mjs'), pluginSource('jest'));
    expect(await problemOf(() => loadSelectorRegistry([join(dir, 'jest.mjs')], empty))).toBe(
      `plugins: @sieve/selector-joint and ${join(dir, 'jest.mjs')} both register a selector named "jest"; rename one of them.`,
    );
  });

  it('finds the workspace packages named @sieve/selector-* in plugins/; one that fails to import is named, not dropped', async () => {
    const root = tempDir('sieve-registry-root-');
    const write = (folder: string, packageName: string, source: string) => {
      mkdirSync(join(root, 'plugins', folder, 'src'), { recursive: true });
      writeFileSync(join(root, 'plugins', folder, 'package.json'), JSON.stringify({ name: packageName, type: 'module', exports: { '.': './src/index.mjs' } }));
      writeFileSync(join(root, 'plugins', folder, 'src', 'index.mjs'), source);
    };
    write('selector-found', '@sieve/selector-found', pluginSource('found'));
    write('selector-broken', '@sieve/selector-broken', 'throw new Error("a bug at import");\n');
    write('not-a-selector', 'left-alone', pluginSource('ignored'));
    const registry = await loadSelectorRegistry([], root);
    expect(registry.get('found').name).toBe('found');
    expect(registry.pluginOf('found')).toBe('@sieve/selector-found');
    expect(registry.factories.map((f) => f.name)).not.toContain('ignored');
    expect(registry.missing).toEqual([{ plugin: '@sieve/selector-broken', reason: 'a bug at import' }]);
    expect(await problemOf(async () => registry.get('broken'))).toBe(
      '--selector: selector "broken": its plugin @sieve/selector-broken did not load: a bug at import. Fix the plugin, or reinstall with `npm ci`.',
    );
    // A name it might have registered: unknown, with the plugins that did not load and why.
    expect(await problemOf(async () => registry.get('gone'))).toMatch(/^--selector: unknown selector "gone"\. Valid selectors: .*found\. @sieve\/selector-broken did not load: a bug at import\.$/);
    // Given again by path, it is not loaded twice.
    expect((await loadSelectorRegistry([join(root, 'plugins', 'selector-found', 'src', 'index.mjs')], root)).get('found').name).toBe('found');
  });

  it('a package folder loads the module its package.json exports; with none, src/index.ts', async () => {
    const dir = tempDir('sieve-registry-');
    mkdirSync(join(dir, 'exported', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'exported', 'package.json'), JSON.stringify({ name: 'exported', type: 'module', exports: { '.': './lib/plugin.mjs' } }));
    writeFileSync(join(dir, 'exported', 'lib', 'plugin.mjs'), pluginSource('from-exports'));
    mkdirSync(join(dir, 'bare', 'src'), { recursive: true });
    writeFileSync(join(dir, 'bare', 'src', 'index.ts'), pluginSource('from-src-index'));
    const registry = await loadSelectorRegistry([join(dir, 'exported'), join(dir, 'bare')], empty);
    expect(registry.get('from-exports').name).toBe('from-exports');
    expect(registry.get('from-src-index').name).toBe('from-src-index');
    expect(registry.pluginOf('from-exports')).toBe(join(dir, 'exported'));
  });
});
