export * from './reach';
export * from './compare';
