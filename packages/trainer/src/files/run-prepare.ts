/**
 * `sieve prepare`: prepares the `files` task's sources into their stores (what a run does first),
 * on its own, and prints each source's tally. A second call finds the stores and returns at once.
 */
import { filesDataConfigOf, prepareFilesSources, tallyText } from '@sieve/data';
import type { RunConfig } from '@sieve/core';

export async function runPrepare(config: RunConfig, write: (line: string) => void): Promise<number> {
  const sources = await prepareFilesSources(filesDataConfigOf(config.data), write);
  for (const source of sources) {
    write(`${source.role}: ${source.records} records of ${source.seen} samples in ${source.store}`);
    if (Object.keys(source.skipped).length > 0) write(`  skipped: ${tallyText(source.skipped)}`);
    if (source.prepared) write(`  ${(source.seen / Math.max(source.seconds, 1e-9)).toFixed(0)} samples/s`);
  }
  return 0;
}
