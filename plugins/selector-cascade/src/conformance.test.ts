import { describeSelectorConformance } from '@sieve/selection/testing';
import { cascadeSelectorFactory } from './cascade-selector';

describeSelectorConformance(cascadeSelectorFactory);
