import { describeSelectorConformance } from '@sieve/selection/testing';
import { offlineFilterSelectorFactory } from './offline-filter-selector';

describeSelectorConformance(offlineFilterSelectorFactory);
