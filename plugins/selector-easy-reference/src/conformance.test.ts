import { describeSelectorConformance } from '@sieve/selection/testing';
import { easyReferenceSelectorFactory } from './easy-reference-selector';

describeSelectorConformance(easyReferenceSelectorFactory);
