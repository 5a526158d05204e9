import { describeSelectorConformance } from '@sieve/selection/testing';
import { uniformSelectorFactory } from './uniform-selector';

describeSelectorConformance(uniformSelectorFactory);
