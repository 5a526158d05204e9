import { describeSelectorConformance } from '@sieve/selection/testing';
import { learnabilitySelectorFactory } from './learnability-selector';

describeSelectorConformance(learnabilitySelectorFactory);
