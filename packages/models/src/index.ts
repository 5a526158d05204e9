// The tensor layer: backends, kernels, the sigmoid loss, Adam, the learning-rate schedule, FLOP counts.
export * from './tensor/index';
// The models built on it.
export * from './model-spec';
export * from './contrastive-model';
export * from './classifier-model';
export * from './image-tower';
export * from './mlp-tower';
export * from './flexivit-tower';
export * from './text-tower';
export * from './create-image-tower';
export * from './checkpoint';
export * from './pi-resize';
export * from './bilinear-resize';
export * from './profiled-flops';
