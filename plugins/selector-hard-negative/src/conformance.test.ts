import { describeSelectorConformance } from '@sieve/selection/testing';
import { hardNegativeSelectorFactory } from './hard-negative-selector';

describeSelectorConformance(hardNegativeSelectorFactory);
