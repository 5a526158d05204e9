// Test support for every package: exact plain-JavaScript references for the tensor code.
export { pairwiseSigmoidLossFromEmbeddings } from './sigmoid-loss-js';
