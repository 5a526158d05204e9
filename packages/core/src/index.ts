export * from './types';
export * from './errors';
export * from './rng';
export * from './selector';
export * from './energy';
export * from './points';
export * from './events';
export * from './config';
