export * from './reach';
export * from './compare';
export * from './report';
export * from './systems-figures';
export * from './report-markdown';
export * from './bench-results';
export * from './readme-results';
export * from './goals';
