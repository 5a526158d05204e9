import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { cascadeSelectorFactory } from './cascade-selector';

export { cascadeSelectorFactory, CASCADE_DEFAULTS } from './cascade-selector';

/** Binds the `cascade` selector factory; the engine loads this module into its container. */
const cascadeSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(cascadeSelectorFactory);
});

export default cascadeSelectorModule;
