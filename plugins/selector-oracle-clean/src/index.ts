import { ContainerModule } from 'inversify';
import { SELECTOR_FACTORY } from '@sieve/core';
import { oracleCleanSelectorFactory } from './oracle-clean-selector';

export { ORACLE_KEPT_TAGS, OracleCleanSelector, oracleCleanSelectorFactory } from './oracle-clean-selector';

/** Binds the `oracle-clean` benchmark reference factory; the engine loads this module into its container. */
const oracleCleanSelectorModule = new ContainerModule(({ bind }) => {
  bind(SELECTOR_FACTORY).toConstantValue(oracleCleanSelectorFactory);
});

export default oracleCleanSelectorModule;
