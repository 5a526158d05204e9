import { describeSelectorConformance } from '@sieve/selection/testing';
import { oracleCleanSelectorFactory } from './oracle-clean-selector';

describeSelectorConformance(oracleCleanSelectorFactory);
