// A worker thread does not inherit the TypeScript loader its process was started with: register it here.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
