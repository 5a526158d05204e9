/** Readers that turn a user's image-text data source (WebDataset tars, lists, parquet) into raw samples. */
export type { ColumnOptions, RawSample, ResolvedSource, SkippedSample, SkipReason, SourceFormat, SourceItem } from './types';
export { resolveSource } from './resolve-source';
export { readSource } from './read-source';
export { sourceFileStats } from './file-stats';
