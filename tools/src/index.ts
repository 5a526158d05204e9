export * from './reach';
export * from './compare';
export * from './report';
