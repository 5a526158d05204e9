export { train, type TrainingInputs, type LoopActivity } from './train';
export { loadSelectorRegistry, BUILT_IN_SELECTOR_PLUGINS, type SelectorRegistry } from './selector-registry';
export { RunFiles } from './run-files';
export { PhaseLedger } from './phase-ledger';
export { SelectionTally } from './selection-tally';
export { LazyScoringContext, type SuperBatch } from './scoring-context';
export { PoolReferenceLosses, poolReferenceLossesOf, poolReferenceLossFlops } from './pool-reference-losses';
export { evaluateContrastive, evaluateClassifier, nearestRows, averagedPromptEmbeddings } from './evaluate';
export {
  prepareReference,
  trainReferenceModel,
  embedReferenceShard,
  referenceCacheKey,
  referenceCacheDir,
  type ReferenceScores,
  type ReferenceResult,
} from './reference-model';
export { shardRange, shardDone, readTrained, EMBEDDING_CHUNK } from './reference-cache';
export { modelSpecOf } from './model-spec';
export { superBatchRng, selectionRng } from './streams';
export { saveCheckpoint, loadCheckpoint, checkpointDir, checkResumeSettings, type LoopState } from './checkpoint';
