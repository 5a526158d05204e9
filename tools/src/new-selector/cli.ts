/**
 * `nx run tools:new-selector --name NAME [--folder plugins]`: a new selector plugin package,
 * ready to typecheck, lint, test and load with `--plugin`.
 */
import { parseArgs } from 'node:util';
import { isUserInputError } from '@sieve/core';
import { pluginNames, scaffoldSelectorPlugin } from './scaffold';

try {
  const { values } = parseArgs({ options: { name: { type: 'string' }, folder: { type: 'string', default: 'plugins' } } });
  if (!values.name) throw new Error('--name: give the new selector\'s name, e.g. --name loss-band');
  const names = pluginNames(values.name, values.folder);
  const written = scaffoldSelectorPlugin(process.cwd(), names);
  process.stdout.write(
    [
      `created ${names.packageName} in ${names.folder}:`,
      ...written.map((file) => `  ${file}`),
      '',
      'next:',
      '  npm install                      # links the new workspace package',
      `  npx nx run-many -t typecheck lint test -p ${names.projectName}`,
      `  npx nx run trainer:train -- --plugin ./${names.folder}/src/index.ts --selector ${names.selector}`,
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`error: ${isUserInputError(error) || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
