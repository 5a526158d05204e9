export { train, type TrainingInputs } from './train';
export { loadSelectorRegistry, BUILT_IN_SELECTOR_PLUGINS, type SelectorRegistry } from './selector-registry';
export { RunFiles, RUN_FILES } from './run-files';
export { PhaseLedger } from './phase-ledger';
export { SelectionTally } from './selection-tally';
export { LazyScoringContext, diagonalLearnability, type SuperBatch } from './scoring-context';
export { evaluateContrastive, evaluateClassifier, argmaxDot, averagedPromptEmbeddings } from './evaluate';
export { prepareReference, referenceCacheKey, type ReferenceScores, type ReferenceResult } from './reference-model';
export { modelSpecOf } from './model-spec';
