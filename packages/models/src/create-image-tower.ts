import { createFlexiVitTower } from './flexivit-tower';
import type { ImageTower } from './image-tower';
import { createMlpTower } from './mlp-tower';
import type { ModelSpec } from './model-spec';
import type { Parameters } from './parameters';

/** The image tower a spec asks for, its parameters added to `parameters`. */
export function createImageTower(parameters: Parameters, spec: ModelSpec): ImageTower {
  if (spec.imageTower === 'flexivit') {
    return createFlexiVitTower(parameters, {
      side: spec.imageSide,
      patchSize: spec.patchSize,
      coarsePatchSize: spec.coarsePatchSize,
      dim: spec.vitDim,
      depth: spec.vitDepth,
      heads: spec.vitHeads,
      channels: spec.imageChannels ?? 1,
    });
  }
  return createMlpTower(parameters, spec.imageSide, spec.hiddenDim, 'image', spec.imageChannels ?? 1);
}
