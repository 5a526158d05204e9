// Test support for selector plugins: a fixed scoring context and contract checks.
export * from './scoring-context-fixture';
export { selectionProblems } from '../selection-contract';
export * from './live-tensors';
export * from './selector-settings';
export * from './conformance';
