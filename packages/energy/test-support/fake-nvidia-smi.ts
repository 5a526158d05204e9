import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@sieve/core/testing';

/**
 * Puts an executable `nvidia-smi` (a shell wrapper around fake-nvidia-smi-process.mjs) in a new temp
 * folder and returns the folder, for tests to put first on PATH.
 */
export function installFakeNvidiaSmi(): { binDir: string; pidFile: string } {
  const binDir = tempDir('sieve-fake-nvidia-smi-');
  const script = fileURLToPath(new URL('./fake-nvidia-smi-process.mjs', import.meta.url));
  const wrapper = join(binDir, 'nvidia-smi');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { binDir, pidFile: join(binDir, 'pids') };
}
