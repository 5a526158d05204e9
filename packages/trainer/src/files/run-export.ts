/** `sieve export-task`: writes an embedded task as WebDataset shards, a CSV list or Parquet (docs/data.md). */
import { UserInputError, runConfigSchema } from '@sieve/core';
import { EXPORT_FORMATS, exportTask, loadDataset, type ExportFormat } from '@sieve/data';

export interface ExportFlags {
  task?: string;
  format?: string;
  out?: string;
}

export async function runExport(flags: ExportFlags, write: (line: string) => void): Promise<number> {
  const task = flags.task ?? 'fashion-captions';
  if (task !== 'fashion-captions') throw new UserInputError('--task', `only "fashion-captions" can be exported (a captioned task held in memory), not "${task}".`);
  if (!EXPORT_FORMATS.includes(flags.format as ExportFormat)) {
    throw new UserInputError('--format', `give one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  if (!flags.out) throw new UserInputError('--out', 'give the folder to write the files into.');
  const config = runConfigSchema.parse({ task, steps: 1, batchSize: 1, filterRatio: 0.5, chunks: 1, seed: 0, evalEvery: 1, out: flags.out });
  const { dataset } = await loadDataset(config);
  if (dataset.kind !== 'contrastive') throw new UserInputError('--task', `${task} is not a captioned task.`);
  const exported = await exportTask(dataset, flags.format as ExportFormat, flags.out);
  write(`wrote ${exported.samples} samples of ${task} as ${flags.format} into ${flags.out}`);
  write(
    `train on them with: nx run trainer:train --train-data ${exported.sources.train} --reference-data ${exported.sources.reference} ` +
      `--test-data ${exported.sources.test} --channels 1 --image-size 28 --vocabulary ${exported.vocabulary} --max-tokens ${dataset.maxTokens} --classes '${dataset.classNames.join(',')}'`,
  );
  return 0;
}
