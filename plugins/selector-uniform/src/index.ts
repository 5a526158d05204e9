import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { uniformSelectorFactory } from './uniform-selector';

export { UniformSelector, uniformSelectorFactory } from './uniform-selector';

/** Binds the `uniform` selector factory; the engine loads this module into its container. */
const uniformSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(uniformSelectorFactory);
});

export default uniformSelectorModule;
