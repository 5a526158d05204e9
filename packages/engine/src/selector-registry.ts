import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';
import { SELECTOR_FACTORY, UserInputError, type SelectorFactory } from '@sieve/core';
import { asSelectorFactory, isSelectorPlugin } from '@sieve/selection';

/**
 * The selector plugins that ship with Sieve, in load order, each with its import: loaded by
 * package name like any user plugin. The specifiers are written out: a bundler (the GPU check's
 * bundle) follows a literal `import()` but not one of a variable.
 */
const IMPORT_BUILT_IN = {
  '@sieve/selector-joint': () => import('@sieve/selector-joint'),
  '@sieve/selector-flexi-jest': () => import('@sieve/selector-flexi-jest'),
  '@sieve/selector-learnability': () => import('@sieve/selector-learnability'),
  '@sieve/selector-uniform': () => import('@sieve/selector-uniform'),
  '@sieve/selector-oracle-clean': () => import('@sieve/selector-oracle-clean'),
  '@sieve/selector-offline-filter': () => import('@sieve/selector-offline-filter'),
} satisfies Record<string, () => Promise<unknown>>;

export const BUILT_IN_SELECTOR_PLUGINS = Object.keys(IMPORT_BUILT_IN) as readonly (keyof typeof IMPORT_BUILT_IN)[];

export interface SelectorRegistry {
  factories: SelectorFactory[];
  get(name: string): SelectorFactory;
  /** The package or module path that registered the selector `name`, for messages about it. */
  pluginOf(name: string): string;
  /** Built-in and workspace plugins that could not be imported, with the reason (a partial checkout, a plugin's bug). */
  missing: { plugin: string; reason: string }[];
}

/**
 * Loads every built-in selector plugin, the workspace's and the user's (package names, or paths to
 * a module; see `selectorsOf` for what it may export), and collects their selectors.
 */
export async function loadSelectorRegistry(userPlugins: readonly string[] = [], workspaceRoot: string = process.cwd()): Promise<SelectorRegistry> {
  const missing: { plugin: string; reason: string }[] = [];
  // Each selector with the plugin that registered it.
  const loaded: { factory: SelectorFactory; plugin: string }[] = [];
  const add = (imported: unknown, plugin: string) => {
    for (const factory of selectorsOf(imported, plugin)) loaded.push({ factory, plugin });
  };
  for (const plugin of BUILT_IN_SELECTOR_PLUGINS) {
    try {
      add(await IMPORT_BUILT_IN[plugin](), plugin);
    } catch (error) {
      missing.push({ plugin, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  // Selector packages of the workspace (what `nx g @sieve/tools:selector` writes), found by name.
  const workspacePackages = workspaceSelectorPackages(workspaceRoot);
  for (const { packageName, entry } of workspacePackages) {
    try {
      add(await import(pathToFileURL(entry).href), packageName);
    } catch (error) {
      missing.push({ plugin: packageName, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  // A plugin given by name or path that the workspace already provided is not loaded twice.
  const alreadyLoaded = (plugin: string) =>
    workspacePackages.some(({ packageName, entry }) => plugin === packageName || specifierOf(plugin) === pathToFileURL(entry).href);
  for (const plugin of userPlugins.filter((plugin) => !alreadyLoaded(plugin))) {
    let imported: unknown;
    try {
      imported = await import(specifierOf(plugin));
    } catch (error) {
      throw new UserInputError(
        'plugins',
        `cannot load selector plugin "${plugin}": ${error instanceof Error ? error.message : String(error)}. ` +
          'Give an installed package name or a path to a module whose default export is a selector plugin (docs/plugins.md).',
      );
    }
    add(imported, plugin);
  }
  const byName = new Map<string, { factory: SelectorFactory; plugin: string }>();
  for (const entry of loaded) {
    const first = byName.get(entry.factory.name);
    if (first) throw new UserInputError('plugins', `${first.plugin} and ${entry.plugin} both register a selector named "${entry.factory.name}"; rename one of them.`);
    byName.set(entry.factory.name, entry);
  }
  return {
    factories: [...byName.values()].map(({ factory }) => factory),
    missing,
    get(name: string): SelectorFactory {
      const found = byName.get(name);
      if (found) return found.factory;
      const failed = missing.find(({ plugin }) => plugin === `@sieve/selector-${name}`);
      if (failed) throw new UserInputError('--selector', `selector "${name}": its plugin ${failed.plugin} did not load: ${failed.reason}. Fix the plugin, or reinstall with \`npm ci\`.`);
      const valid = [...byName.keys()].join(', ') || '(none loaded)';
      // A plugin that did not load may be the one that registers it.
      const notLoaded = missing.map(({ plugin, reason }) => ` ${plugin} did not load: ${reason}.`).join('');
      throw new UserInputError('--selector', `unknown selector "${name}". Valid selectors: ${valid}.${notLoaded}`);
    },
    pluginOf(name: string): string {
      return byName.get(name)?.plugin ?? 'unknown';
    },
  };
}

/**
 * The packages in `<root>/plugins/*` named `@sieve/selector-*` that are not built in, with the
 * module their package.json exports.
 */
export function workspaceSelectorPackages(root: string): { packageName: string; entry: string }[] {
  const folder = join(root, 'plugins');
  if (!existsSync(folder)) return [];
  const builtIn: readonly string[] = BUILT_IN_SELECTOR_PLUGINS;
  const found: { packageName: string; entry: string }[] = [];
  for (const name of readdirSync(folder).sort()) {
    const manifestPath = join(folder, name, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = readManifest(manifestPath);
    if (!manifest || typeof manifest.name !== 'string' || !manifest.name.startsWith('@sieve/selector-') || builtIn.includes(manifest.name)) continue;
    found.push({ packageName: manifest.name, entry: packageEntry(join(folder, name), manifest) });
  }
  return found;
}

interface PackageManifest {
  name?: unknown;
  exports?: unknown;
  main?: unknown;
}

function readManifest(path: string): PackageManifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageManifest;
  } catch {
    return null;
  }
}

/** The module a package folder exports as `.` (or its `main`), `src/index.ts` when it names none. */
function packageEntry(folder: string, manifest: PackageManifest | null): string {
  const exported = typeof manifest?.exports === 'string' ? manifest.exports : (manifest?.exports as Record<string, unknown> | undefined)?.['.'];
  const entry = typeof exported === 'string' ? exported : typeof manifest?.main === 'string' ? manifest.main : 'src/index.ts';
  return join(folder, entry);
}

/** A path (a module, or a package folder: its entry) as a file URL; a package name as it is. */
function specifierOf(plugin: string): string {
  const looksLikePath = plugin.startsWith('.') || isAbsolute(plugin);
  if (!looksLikePath) return plugin;
  const path = resolve(plugin);
  const isFolder = existsSync(path) && statSync(path).isDirectory();
  return pathToFileURL(isFolder ? packageEntry(path, readManifest(join(path, 'package.json'))) : path).href;
}

/**
 * The selectors a plugin module exports: its default export (or `selectorModule`) is a selector
 * plugin, an array of them, or, in the form plugins were first written in, an inversify
 * `ContainerModule` that binds `SelectorFactory` objects (or plugins) to `SELECTOR_FACTORY`.
 */
export function selectorsOf(imported: unknown, plugin: string): SelectorFactory[] {
  const exported = [(imported as { default?: unknown }).default, (imported as { selectorModule?: unknown }).selectorModule];
  for (const candidate of exported) {
    if (isSelectorPlugin(candidate)) return [asSelectorFactory(candidate)];
    if (Array.isArray(candidate) && candidate.length > 0 && candidate.every(isSelectorPlugin)) return candidate.map(asSelectorFactory);
    // Duck-typed so that a plugin built against its own copy of inversify still loads.
    if (candidate instanceof ContainerModule || typeof (candidate as { load?: unknown } | null)?.load === 'function') {
      const container = new Container();
      container.load(candidate as ContainerModule);
      return container.isBound(SELECTOR_FACTORY) ? container.getAll<SelectorFactory>(SELECTOR_FACTORY).map(asSelectorFactory) : [];
    }
  }
  throw new UserInputError(
    'plugins',
    `"${plugin}" exports no selector plugin: its default export must be one (an object with name, summary, options and create; see docs/plugins.md), ` +
      'an array of them, or an inversify ContainerModule binding SELECTOR_FACTORY.',
  );
}
