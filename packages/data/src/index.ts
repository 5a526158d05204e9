export * from './types';
export { loadDataset } from './load-dataset';
export type { LoadDatasetOptions } from './load-dataset';
export { readIdxImages, readIdxLabels, encodeIdxImages, encodeIdxLabels, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx';
export type { IdxImages } from './idx';
export { buildContrastiveDataset, CAPTION_SEED } from './contrastive-dataset';
export type { ContrastiveDatasetOptions } from './contrastive-dataset';
export { buildClassificationDataset } from './classification-dataset';
export type { ClassificationDatasetOptions } from './classification-dataset';
export { shiftImage, shiftImagesRandomly } from './image-shift';
export { FASHION_CLASS_NAMES, FASHION_CLASS_NOUNS } from './fashion-classes';
export { BRIGHTNESS_WORDS, SIZE_WORDS, ATTRIBUTE_COMBINATIONS, conceptIdOf } from './caption-templates';
export { CaptionLanguage } from './caption-language';
export type { CaptionMeaning } from './caption-language';
export { CAPTION_TAG_NAMES, CAPTION_TAG, NOISE_SEED } from './caption-noise';
export type { NoiseRates } from './caption-noise';
export { LABEL_TAG_NAMES, LABEL_TAG, LABEL_NOISE_SEED } from './label-noise';
export { SPLIT_SEED, splitSizesFor } from './split';
export { PAD_ID, PAD_TOKEN } from './vocabulary';
export { loadFashionImages, FASHION_CACHE_FILE } from './fashion-images';
export { filesDataConfigOf, prepareFilesSources, prepareOptionsFor, tallyText } from './files/files-dataset';
export type { SourcePreparation } from './files/files-dataset';
export { captionGroupsOf } from './files/caption-groups';
export { exportTask, EXPORT_FORMATS } from './files/export-task';
export type { ExportFormat, ExportedTask } from './files/export-task';
export {
  checkShardCount,
  mergeParts,
  partDone,
  preparePart,
  readPreparationPlan,
  writePreparationPlan,
  type ShardedPreparation,
} from './files/sharded-prepare';
export { storeLocation, readManifest } from './files/prepare-store';
export { resolveSource } from './files/sources';
