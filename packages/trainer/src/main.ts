#!/usr/bin/env node
/**
 * Entry point. React (under the ink dashboard) runs its slow development build unless
 * NODE_ENV says otherwise, so this is set before anything imports it.
 */
process.env.NODE_ENV ??= 'production';
await import('./sieve');

export {};
