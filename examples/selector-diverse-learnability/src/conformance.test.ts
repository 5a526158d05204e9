import { describeSelectorConformance } from '@sieve/selection/testing';
import { diverseLearnabilitySelectorFactory } from './diverse-learnability-selector';

describeSelectorConformance(diverseLearnabilitySelectorFactory, {
  tasks: ['contrastive'],
  badOptions: [
    { options: { threshold: 0 }, field: 'selectorOptions.threshold' },
    { options: { resolution: 'low' }, field: 'selectorOptions.resolution' },
  ],
});
