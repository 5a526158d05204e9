import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { easyReferenceSelectorFactory } from './easy-reference-selector';

export { easyReferenceSelectorFactory } from './easy-reference-selector';

/** Binds the `easy-reference` selector factory; the engine loads this module into its container. */
const easyReferenceSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(easyReferenceSelectorFactory);
});

export default easyReferenceSelectorModule;
