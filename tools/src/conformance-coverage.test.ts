/**
 * Every selector the repository ships (the packages in `plugins/` and the selector examples in
 * `examples/`) runs the conformance kit in its own tests, so none can drift from the contract.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../..');

function selectorPackages(): string[] {
  return ['plugins', 'examples'].flatMap((folder) =>
    readdirSync(join(repoRoot, folder))
      .filter((name) => name.startsWith('selector-') && existsSync(join(repoRoot, folder, name, 'package.json')))
      .map((name) => `${folder}/${name}`),
  );
}

function testSources(pkg: string): string {
  const src = join(repoRoot, pkg, 'src');
  return readdirSync(src)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => readFileSync(join(src, name), 'utf8'))
    .join('\n');
}

describe('the conformance kit covers every shipped selector', () => {
  it('finds the six built-in plugins and both examples', () => {
    const packages = selectorPackages();
    expect(packages.filter((pkg) => pkg.startsWith('plugins/'))).toHaveLength(6);
    expect(packages.filter((pkg) => pkg.startsWith('examples/')).sort()).toEqual(['examples/selector-diverse-learnability', 'examples/selector-loss-band']);
  });

  it.each(selectorPackages())('%s calls describeSelectorConformance in its tests', (pkg) => {
    expect(testSources(pkg)).toMatch(/describeSelectorConformance\(\w+/);
  });
});
