import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';
import { SELECTOR_FACTORY, UserInputError, type SelectorFactory } from '@sieve/core';

/** The selector plugins that ship with Sieve, loaded by package name like any user plugin. */
/**
 * The built-in selector plugins, in load order, each with its import. The specifiers are written
 * out: a bundler (the GPU check's bundle) follows a literal `import()` but not one of a variable.
 */
const IMPORT_BUILT_IN = {
  '@sieve/selector-cascade': () => import('@sieve/selector-cascade'),
  '@sieve/selector-jest': () => import('@sieve/selector-jest'),
  '@sieve/selector-flexi-jest': () => import('@sieve/selector-flexi-jest'),
  '@sieve/selector-learnability': () => import('@sieve/selector-learnability'),
  '@sieve/selector-hard-negative': () => import('@sieve/selector-hard-negative'),
  '@sieve/selector-easy-reference': () => import('@sieve/selector-easy-reference'),
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
 * Loads every built-in selector plugin plus the user's (package names, or paths to a module
 * whose default export is an inversify `ContainerModule`), and collects the factories they bind
 * to `SELECTOR_FACTORY`.
 */
export async function loadSelectorRegistry(userPlugins: readonly string[] = [], workspaceRoot: string = process.cwd()): Promise<SelectorRegistry> {
  const container = new Container();
  const missing: { plugin: string; reason: string }[] = [];
  // Which plugin bound each factory: the factories that appear once it is loaded.
  const pluginOfFactory = new Map<SelectorFactory, string>();
  const noteNewFactories = (plugin: string) => {
    if (!container.isBound(SELECTOR_FACTORY)) return;
    for (const factory of container.getAll<SelectorFactory>(SELECTOR_FACTORY)) if (!pluginOfFactory.has(factory)) pluginOfFactory.set(factory, plugin);
  };
  for (const plugin of BUILT_IN_SELECTOR_PLUGINS) {
    try {
      container.load(moduleFrom(await IMPORT_BUILT_IN[plugin](), plugin));
      noteNewFactories(plugin);
    } catch (error) {
      missing.push({ plugin, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  // Selector packages of the workspace (what `nx g @sieve/tools:selector` writes), found by name.
  const workspacePackages = workspaceSelectorPackages(workspaceRoot);
  for (const { packageName, entry } of workspacePackages) {
    try {
      container.load(moduleFrom(await import(pathToFileURL(entry).href), packageName));
      noteNewFactories(packageName);
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
          'Give an installed package name or a path to a module whose default export is an inversify ContainerModule.',
      );
    }
    container.load(moduleFrom(imported, plugin));
    noteNewFactories(plugin);
  }
  const factories = container.isBound(SELECTOR_FACTORY) ? container.getAll<SelectorFactory>(SELECTOR_FACTORY) : [];
  const byName = new Map<string, SelectorFactory>();
  for (const factory of factories) {
    if (byName.has(factory.name)) {
      const first = pluginOfFactory.get(byName.get(factory.name)!) ?? 'unknown';
      const second = pluginOfFactory.get(factory) ?? 'unknown';
      throw new UserInputError('plugins', `${first} and ${second} both register a selector named "${factory.name}"; rename one of them.`);
    }
    byName.set(factory.name, factory);
  }
  return {
    factories: [...byName.values()],
    missing,
    get(name: string): SelectorFactory {
      const factory = byName.get(name);
      if (!factory) {
        const failed = missing.find(({ plugin }) => plugin === `@sieve/selector-${name}`);
        if (failed) throw new UserInputError('--selector', `selector "${name}": its plugin ${failed.plugin} did not load: ${failed.reason}. Fix the plugin, or reinstall with \`npm ci\`.`);
        const valid = [...byName.keys()].join(', ') || '(none loaded)';
        throw new UserInputError('--selector', `unknown selector "${name}". Valid selectors: ${valid}.`);
      }
      return factory;
    },
    pluginOf(name: string): string {
      const factory = byName.get(name);
      return (factory && pluginOfFactory.get(factory)) ?? 'unknown';
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

function moduleFrom(imported: unknown, plugin: string): ContainerModule {
  const candidates = [
    (imported as { default?: unknown }).default,
    (imported as { selectorModule?: unknown }).selectorModule,
  ];
  for (const candidate of candidates) {
    // Duck-typed so that a plugin built against its own copy of inversify still loads.
    if (candidate instanceof ContainerModule) return candidate;
    if (candidate && typeof (candidate as { load?: unknown }).load === 'function') return candidate as ContainerModule;
  }
  throw new UserInputError(
    'plugins',
    `"${plugin}" does not export an inversify ContainerModule as its default export (or as \`selectorModule\`).`,
  );
}
