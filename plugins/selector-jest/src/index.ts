import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { jestSelectorFactory } from './jest-selector';

export { jestSelectorFactory } from './jest-selector';

/** Binds the `jest` selector factory; the engine loads this module into its container. */
const jestSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(jestSelectorFactory);
});

export default jestSelectorModule;
