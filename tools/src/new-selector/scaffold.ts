import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { pluginFiles, type PluginNames } from './templates';

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The names a selector called `selector` gets in code, npm and Nx. */
export function pluginNames(selector: string, parentFolder = 'plugins'): PluginNames {
  if (!KEBAB_CASE.test(selector)) {
    throw new UserInputError('--name', `"${selector}" is not a kebab-case name; use lower-case words joined by hyphens, e.g. --name loss-band.`);
  }
  const words = selector.split('-');
  const className = `${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Selector`;
  return {
    selector,
    className,
    camelName: className[0].toLowerCase() + className.slice(1),
    packageName: `@sieve/selector-${selector}`,
    projectName: `selector-${selector}`,
    folder: `${parentFolder.replace(/\/+$/, '')}/selector-${selector}`,
  };
}

/**
 * Writes a new selector plugin package under `workspaceRoot`: package.json, project.json (so Nx
 * typechecks, lints and tests it with the rest), tsconfig, vitest config, the plugin module, a
 * working selector and its test. Refuses to write over an existing folder. Returns the paths written.
 */
export function scaffoldSelectorPlugin(workspaceRoot: string, names: PluginNames): string[] {
  const root = join(workspaceRoot, names.folder);
  if (existsSync(root)) {
    throw new UserInputError('--name', `${names.folder} already exists; choose another name or remove that folder.`);
  }
  const written: string[] = [];
  for (const [file, text] of Object.entries(pluginFiles(names))) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
    written.push(join(names.folder, file));
  }
  return written;
}
