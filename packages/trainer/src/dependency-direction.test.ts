/**
 * Dependencies between the two top projects point one way: `tools` (its benchmarks, the GPU check,
 * and the compare, report and README-results commands) imports the trainer, and the trainer never
 * imports `tools`. The analysis both use (compare, goals, report) lives in the trainer, in
 * src/analysis/, so that the bench command and the tools call the same code without a cycle.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const trainerRoot = join(repoRoot, 'packages/trainer');
const toolsRoot = join(repoRoot, 'tools');
const TOOLS_PACKAGE = '@sieve/tools';
const TOOLS_PROJECT = 'tools';
const MODULE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const MANIFESTS = ['package.json', 'project.json', 'tsconfig.json'];

/** Every module specifier in `source`: static and dynamic imports, side-effect imports, re-exports and require calls. */
function specifiersOf(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"`]([^'"`]+)['"`]/g;
  return [...source.matchAll(pattern)].map((match) => match[1]);
}

/** Whether `specifier`, written in the file `importer`, names the tools project: its package or a path into its folder. */
function namesTools(specifier: string, importer: string): boolean {
  if (specifier === TOOLS_PACKAGE || specifier.startsWith(`${TOOLS_PACKAGE}/`)) return true;
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(importer), specifier);
  return target === toolsRoot || target.startsWith(toolsRoot + sep);
}

/** The files under `dir`, leaving out node_modules and hidden folders (caches). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/** `file: specifier` for each import of the tools project in the trainer's modules (this file's samples aside). */
function toolsImportsInTrainer(): string[] {
  return filesUnder(trainerRoot)
    .filter((file) => MODULE_FILE.test(file) && file !== import.meta.filename)
    .flatMap((file) =>
      specifiersOf(readFileSync(file, 'utf8'))
        .filter((specifier) => namesTools(specifier, file))
        .map((specifier) => `${relative(repoRoot, file)}: ${specifier}`),
    );
}

describe('the trainer does not depend on tools', () => {
  it('finds every kind of import, and tells the tools project from others', () => {
    const source = [
      "import { a } from '@sieve/tools';",
      "import type { B } from '../../../../tools/src/b';",
      "export * from './analysis';",
      "const c = await import('@sieve/tools/c');",
      "import '@sieve/core';",
      "const d = require('@sieve/trainer/analysis');",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['@sieve/tools', '../../../../tools/src/b', './analysis', '@sieve/tools/c', '@sieve/core', '@sieve/trainer/analysis']);
    const importer = join(trainerRoot, 'src/bench/run-bench.ts');
    expect(specifiersOf(source).filter((specifier) => namesTools(specifier, importer))).toEqual(['@sieve/tools', '../../../../tools/src/b', '@sieve/tools/c']);
    expect(namesTools('../../../../tools-extra/x', importer)).toBe(false);
  });

  it('no module of the trainer imports the tools project', () => {
    expect(toolsImportsInTrainer()).toEqual([]);
  });

  it('no manifest of the trainer declares it: dependencies, implicit dependencies, references', () => {
    for (const name of MANIFESTS) {
      const manifest = JSON.parse(readFileSync(join(trainerRoot, name), 'utf8')) as Record<string, unknown>;
      const dependencies = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys((manifest[field] as object | undefined) ?? {}));
      const implicit = (manifest.implicitDependencies as string[] | undefined) ?? [];
      const references = ((manifest.references as { path: string }[] | undefined) ?? []).map((reference) => reference.path);
      expect(dependencies, `${name}: dependencies`).not.toContain(TOOLS_PACKAGE);
      expect(implicit, `${name}: implicitDependencies`).not.toContain(TOOLS_PROJECT);
      expect(references.filter((path) => namesTools(path, join(trainerRoot, name))), `${name}: references`).toEqual([]);
    }
  });
});
