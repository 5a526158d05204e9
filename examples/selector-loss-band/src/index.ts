import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { lossBandSelectorFactory } from './loss-band-selector';

export { LossBandSelector, lossBandSelectorFactory } from './loss-band-selector';

/** The plugin: a ContainerModule as the default export, binding the factory to the shared token. */
export default new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(lossBandSelectorFactory);
});
