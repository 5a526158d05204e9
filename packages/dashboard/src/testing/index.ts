// Test support for the dashboard and for whatever shows a run: synthetic and hand-made runs, run
// folders written from events, a fake terminal and a frame renderer. Not part of the package's API.
export { syntheticRunEvents, syntheticPoint, syntheticRunStartInfo, syntheticEnergySources, type SyntheticRunOptions } from './synthetic-run';
export { handMadeEvents, stateOf } from './hand-made-run';
export { writeRunFolder, runFolderContents, type RunFolderContents } from './run-folder-writer';
export { FakeStdin, FakeStdout, waitUntil } from './fake-terminal';
export { frameOf } from './frame';
