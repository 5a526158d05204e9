export { runCli, buildProgram, type CliHandlers } from './cli';
export { resolveRunConfig, readConfigFile, deepMerge } from './run-config';
export { runTrain } from './run-train';
export { trainInProcess } from './train-session';
export { PRESETS, PRESET_NAMES } from './presets';
export { checkOutDir } from './out-dir';
