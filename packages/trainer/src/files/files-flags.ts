/** The flags of task `files` (your own data), shared by train, prepare and bench, and their config section. */
import { Command } from 'commander';
import { decimal, integer } from '../flag-parsers';

/** Each `data.files` setting with its flag and the flag's property in Commander's parsed flags. */
const FILES_SETTINGS = {
  train: ['--train-data', 'trainData'],
  reference: ['--reference-data', 'referenceData'],
  test: ['--test-data', 'testData'],
  imageSize: ['--image-size', 'imageSize'],
  channels: ['--channels', 'channels'],
  vocabularySize: ['--vocabulary-size', 'vocabularySize'],
  vocabulary: ['--vocabulary', 'vocabulary'],
  maxTokens: ['--max-tokens', 'maxTokens'],
  referenceSplit: ['--reference-split', 'referenceSplit'],
  testSplit: ['--test-split', 'testSplit'],
  scoreColumn: ['--score-column', 'scoreColumn'],
  imageColumn: ['--image-column', 'imageColumn'],
  captionColumn: ['--caption-column', 'captionColumn'],
  maxBadFraction: ['--max-bad-fraction', 'maxBadFraction'],
  poolInMemory: ['--pool-in-memory', 'poolInMemory'],
} as const satisfies Record<string, readonly [string, keyof FilesFlags]>;

/** `data.files.<setting>` -> its flag, for naming the flag in a settings error. */
export const FILES_FLAG_OF_FIELD: Record<string, string> = Object.fromEntries(
  Object.entries(FILES_SETTINGS).map(([setting, [flag]]) => [`data.files.${setting}`, flag]),
);

/** The flags of task `files` (your own image-text data) as the config's `data.files`, or undefined when none is given. */
export function filesFlagsToConfig(flags: FilesFlags): Record<string, unknown> | undefined {
  const files = Object.fromEntries(Object.entries(FILES_SETTINGS).map(([setting, [, property]]) => [setting, flags[property]]));
  return Object.values(files).some((v) => v !== undefined) ? files : undefined;
}

export interface FilesFlags {
  trainData?: string;
  referenceData?: string;
  testData?: string;
  imageSize?: number;
  channels?: number;
  vocabularySize?: number;
  vocabulary?: string;
  maxTokens?: number;
  referenceSplit?: number;
  testSplit?: number;
  scoreColumn?: string;
  imageColumn?: string;
  captionColumn?: string;
  maxBadFraction?: number;
  poolInMemory?: boolean;
}

/** The `files` task's flags, shared by train, prepare and bench. */
export function addFilesOptions(command: Command): Command {
  return command
    .option('--train-data <source>', 'your own training pool: .tar shards (a folder, {00000..00127}.tar or *.tar), a .csv/.tsv/.jsonl list, an imagefolder with metadata.csv/.jsonl, or a .parquet file (task files)')
    .option('--reference-data <source>', 'a small curated set for the reference model (task files; default: --reference-split of the pool)')
    .option('--test-data <source>', 'the evaluation set (task files; default: --test-split of the pool)')
    .option('--image-size <s>', 'images are s x s, 16 to 64 (task files, default 32)', integer('--image-size'))
    .option('--channels <c>', '3 for RGB, 1 for gray (task files, default 3)', integer('--channels'))
    .option('--vocabulary-size <v>', "the pool's most frequent words kept (task files, default 8192)", integer('--vocabulary-size'))
    .option('--vocabulary <file>', 'a fixed word list, one a line, line i is token id i (task files)')
    .option('--max-tokens <t>', 'tokens kept per caption (task files, default 32)', integer('--max-tokens'))
    .option('--reference-split <f>', 'fraction of the pool held out for the reference without --reference-data (default 0.1)', decimal('--reference-split'))
    .option('--test-split <f>', 'fraction of the pool held out for evaluation without --test-data (default 0.1)', decimal('--test-split'))
    .option('--score-column <name>', 'a metadata field or column holding a score per example (task files)')
    .option('--image-column <name>', 'the image column of a list or Parquet file')
    .option('--caption-column <name>', 'the caption column of a list or Parquet file')
    .option('--max-bad-fraction <f>', 'stop when more of a source is bad (default 0.05)', decimal('--max-bad-fraction'))
    .option('--pool-in-memory', 'read the whole pool into memory instead of from its store row by row (task files)');
}

/** Every long flag addFilesOptions adds, e.g. for tests that check each one is exercised. */
export const FILES_FLAGS: readonly string[] = addFilesOptions(new Command()).options.map((option) => option.long!);
