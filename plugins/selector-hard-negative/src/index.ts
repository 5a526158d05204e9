import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { hardNegativeSelectorFactory } from './hard-negative-selector';

export { hardNegativeSelectorFactory } from './hard-negative-selector';

/** Binds the `hard-negative` selector factory; the engine loads this module into its container. */
const hardNegativeSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(hardNegativeSelectorFactory);
});

export default hardNegativeSelectorModule;
