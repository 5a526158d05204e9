// The analysis of run folders: the protocol's comparison, its goals, the HTML report and the README's
// results section. `nx run trainer:bench` writes them; the `tools:compare`, `tools:report` and
// `tools:readme-results` commands call them on run folders and results a bench wrote.
export * from './reach';
export * from './compare';
export * from './report';
export * from './report-command';
export * from './systems-figures';
export * from './report-markdown';
export * from './bench-results';
export * from './readme-results';
export * from './goals';
