import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { flexiJestSelectorFactory } from './flexi-jest-selector';

export { FlexiJestSelector, flexiJestSelectorFactory, parseFlexiJestOptions } from './flexi-jest-selector';

/** Binds the `flexi-jest` selector factory; the engine loads this module into its container. */
const flexiJestSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(flexiJestSelectorFactory);
});

export default flexiJestSelectorModule;
