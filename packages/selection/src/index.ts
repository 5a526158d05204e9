export * from './validation';
export * from './top-k';
export * from './joint-sample';
export * from './score-matrix';
export * from './independent-scores';
export * from './diagnostics';
export * from './joint-selector-options';
export * from './spearman';
