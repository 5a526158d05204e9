import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { offlineFilterSelectorFactory } from './offline-filter-selector';

export { OfflineFilterSelector, keptPoolMask, offlineFilterSelectorFactory } from './offline-filter-selector';

/** Binds the `offline-filter` baseline factory; the engine loads this module into its container. */
const offlineFilterSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(offlineFilterSelectorFactory);
});

export default offlineFilterSelectorModule;
