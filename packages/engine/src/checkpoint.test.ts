import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { checkResumeSettings, checkpointDir, removeOrphanStaging, resumeSettingsOf } from './checkpoint';
import { tinyRunConfig } from './testing/tiny-run-config';

afterAll(removeTempDirs);

/** A run folder whose checkpoint was made with `config`'s settings (the weights are not read). */
function folderWithCheckpoint(settings: ReturnType<typeof resumeSettingsOf> | undefined): string {
  const out = join(tempDir('sieve-checkpoint-'), 'run');
  mkdirSync(checkpointDir(out), { recursive: true });
  writeFileSync(join(checkpointDir(out), 'state.json'), JSON.stringify({ version: 1, step: 10, ...(settings ? { settings } : {}) }));
  return out;
}

describe('checkResumeSettings', () => {
  it('accepts the same settings, and a switched-off meter, another stall limit or another folder', () => {
    const out = folderWithCheckpoint(resumeSettingsOf(tinyRunConfig('/elsewhere')));
    const config = tinyRunConfig(out, { energy: { enabled: true }, guards: { divergenceFactor: 100, stallSeconds: 5 }, dashboard: false });
    expect(() => checkResumeSettings(out, config)).not.toThrow();
  });

  it('names every differing field, nested ones by their path, with both values', () => {
    const saved = tinyRunConfig('/elsewhere');
    const out = folderWithCheckpoint(resumeSettingsOf(saved));
    const edited = tinyRunConfig(out, { selector: 'uniform', steps: 5, model: { ...saved.model, hiddenDim: 32 } });
    let message = '';
    try {
      checkResumeSettings(out, edited);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').filter((line) => line.startsWith('  '))).toEqual([
      '  model.hiddenDim: 32 in config.json, 16 in the checkpoint',
      `  selector: "uniform" in config.json, "${saved.selector}" in the checkpoint`,
      '  steps: 5 in config.json, 20 in the checkpoint',
    ]);
    expect(message).toMatch(/^--resume: .*config\.json no longer matches/);
  });

  it('trusts config.json for a checkpoint that recorded no settings, and a folder without a checkpoint', () => {
    expect(() => checkResumeSettings(folderWithCheckpoint(undefined), tinyRunConfig('/x', { steps: 3 }))).not.toThrow();
    expect(() => checkResumeSettings(join(tempDir('sieve-checkpoint-'), 'none'), tinyRunConfig('/x'))).not.toThrow();
  });
});

describe('removeOrphanStaging', () => {
  it('removes the staging folders of checkpoints a killed process never renamed, and nothing else', () => {
    const out = folderWithCheckpoint(undefined);
    mkdirSync(join(out, 'checkpoint.tmp-123'));
    mkdirSync(join(out, 'checkpoint.tmp-456'));
    expect(removeOrphanStaging(out).sort()).toEqual(['checkpoint.tmp-123', 'checkpoint.tmp-456']);
    expect(removeOrphanStaging(out)).toEqual([]);
  });
});
