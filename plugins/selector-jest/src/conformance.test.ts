import { describeSelectorConformance } from '@sieve/selection/testing';
import { jestSelectorFactory } from './jest-selector';

describeSelectorConformance(jestSelectorFactory);
