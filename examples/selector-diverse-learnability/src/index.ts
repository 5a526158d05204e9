import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { diverseLearnabilitySelectorFactory } from './diverse-learnability-selector';

export { DiverseLearnabilitySelector, diverseLearnabilitySelectorFactory, DEFAULT_THRESHOLD } from './diverse-learnability-selector';
export { findNearDuplicates, type NearDuplicates } from './near-duplicates';

/** The plugin: a ContainerModule as the default export, binding the factory to the shared token. */
export default new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(diverseLearnabilitySelectorFactory);
});
