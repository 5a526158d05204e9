import { describeSelectorConformance } from '@sieve/selection/testing';
import { lossBandSelectorFactory } from './loss-band-selector';

describeSelectorConformance(lossBandSelectorFactory, {
  badOptions: [
    { options: { low: 0.9, high: 0.1 }, field: 'selectorOptions.low/high' },
    { options: { high: 'all' }, field: 'selectorOptions.low/high' },
  ],
});
