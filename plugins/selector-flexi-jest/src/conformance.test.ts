import { describeSelectorConformance } from '@sieve/selection/testing';
import { flexiJestSelectorFactory } from './flexi-jest-selector';

describeSelectorConformance(flexiJestSelectorFactory);
