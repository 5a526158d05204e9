export * from './backend';
export * from './matmul-speed';
export * from './flops';
export * from './fast-matmul';
export * from './sigmoid-loss';
export * from './sigmoid-loss-js';
export * from './adam';
export * from './learning-rate';
