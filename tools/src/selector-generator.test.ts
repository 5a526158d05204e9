/**
 * `nx g @sieve/tools:selector NAME`: through the real Nx (a dry run, which writes nothing), and
 * for real into a scratch workspace outside the working tree, where the new plugin's own tests
 * must pass at once and `--selector NAME` must train with it.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../..');
const generatorModule = createRequire(import.meta.url)('../generators/selector/generator.cjs') as {
  selectorGenerator: (tree: Tree, options: { name: string; directory?: string }) => () => void;
  pluginNames: (name: string, directory?: string) => Record<string, string>;
  pluginFiles: (names: Record<string, string>) => Record<string, string>;
};
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const MINUTES = 60_000;

interface Tree {
  exists(path: string): boolean;
  write(path: string, content: string): void;
}

/** The part of Nx's Tree the generator uses, writing straight into `root`. */
function folderTree(root: string): Tree {
  return {
    exists: (path) => existsSync(join(root, path)),
    write: (path, content) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
  };
}

/**
 * A workspace outside the working tree that is the repository seen through links: every top-level
 * entry linked, except `plugins/`, a real folder of links to the shipped plugins that the
 * generator can write a new one into.
 */
function scratchWorkspace(): string {
  const root = tempDir('sieve-generator-');
  for (const entry of readdirSync(repoRoot)) {
    if (entry === 'plugins' || entry === '.git' || entry === '.nx') continue;
    symlinkSync(join(repoRoot, entry), join(root, entry));
  }
  mkdirSync(join(root, 'plugins'));
  for (const plugin of readdirSync(join(repoRoot, 'plugins'))) symlinkSync(join(repoRoot, 'plugins', plugin), join(root, 'plugins', plugin));
  return root;
}

describe('nx g @sieve/tools:selector', () => {
  it('names: the plugin in code, package, project and folder from a kebab-case name; anything else refused', () => {
    expect(generatorModule.pluginNames('loss-band')).toEqual({
      selector: 'loss-band',
      camelName: 'lossBand',
      packageName: '@sieve/selector-loss-band',
      projectName: 'selector-loss-band',
      folder: 'plugins/selector-loss-band',
    });
    expect(generatorModule.pluginNames('top2', 'examples/').folder).toBe('examples/selector-top2');
    for (const bad of ['LossBand', 'loss_band', '-x', 'x-', '2x', '', '../x']) {
      expect(() => generatorModule.pluginNames(bad)).toThrow(/is not a kebab-case name/);
    }
  });

  it('writes the selector as one source file of at most 50 lines, and its test', () => {
    const files = generatorModule.pluginFiles(generatorModule.pluginNames('loss-band'));
    expect(Object.keys(files).filter((file) => file.startsWith('src/'))).toEqual(['src/index.ts', 'src/index.test.ts']);
    expect(files['src/index.ts'].trimEnd().split('\n').length).toBeLessThanOrEqual(50);
    expect(files['src/index.ts']).toContain("name: 'loss-band'");
    expect(files['src/index.test.ts']).toContain("import lossBand from './index';");
  });

  it('through the real Nx: lists the plugin files on a dry run and writes nothing', async () => {
    const result = await execa('npx', ['nx', 'g', '@sieve/tools:selector', 'dry-check', '--dry-run'], { cwd: repoRoot, env: nxEnv, reject: false, all: true, timeout: 3 * MINUTES });
    expect(result.exitCode, result.all).toBe(0);
    for (const file of ['package.json', 'project.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'src/index.ts', 'src/index.test.ts']) {
      expect(result.all).toContain(`CREATE plugins/selector-dry-check/${file}`);
    }
    expect(existsSync(join(repoRoot, 'plugins', 'selector-dry-check'))).toBe(false);
  }, 4 * MINUTES);

  it('writes a plugin whose own tests pass at once and that trains with --selector NAME', async () => {
    const root = scratchWorkspace();
    generatorModule.selectorGenerator(folderTree(root), { name: 'fresh-idea' });
    const folder = join(root, 'plugins', 'selector-fresh-idea');
    expect(JSON.parse(readFileSync(join(folder, 'project.json'), 'utf8'))).toMatchObject({ name: 'selector-fresh-idea', targets: { typecheck: {}, lint: {}, test: {} } });
    expect(() => generatorModule.selectorGenerator(folderTree(root), { name: 'fresh-idea' })).toThrow(/plugins\/selector-fresh-idea already exists/);

    // Its tests: the contract suite and the hand-worked case, with vitest as Nx's test target runs it.
    const tests = await execa(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=verbose'], { cwd: folder, reject: false, all: true, env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 3 * MINUTES });
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/selector "fresh-idea" meets the selector contract/);

    // A run with it, by name alone: the trainer finds plugins/ packages named @sieve/selector-*.
    const settings = join(root, 'settings.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir: join(tempDir('sieve-generator-cache-'), 'cache') } }));
    const out = join(tempDir('sieve-generator-run-'), 'run');
    const run = await execa(
      process.execPath,
      ['--import', 'tsx', join(root, 'packages/trainer/src/main.ts'), 'train', '--preset', 'smoke', '--config', settings, '--selector', 'fresh-idea', '--steps', '4', '--eval-every', '2', '--no-energy', '--out', out],
      { cwd: root, reject: false, all: true, env: { CI: 'true' }, timeout: 4 * MINUTES },
    );
    expect(run.exitCode, run.all).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ status: 'completed', selector: 'fresh-idea', steps: 4 });
  }, 8 * MINUTES);
});
