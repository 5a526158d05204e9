import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { learnabilitySelectorFactory } from './learnability-selector';

export { LearnabilitySelector, learnabilitySelectorFactory } from './learnability-selector';

/** Binds the `learnability` selector factory; the engine loads this module into its container. */
const learnabilitySelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(learnabilitySelectorFactory);
});

export default learnabilitySelectorModule;
