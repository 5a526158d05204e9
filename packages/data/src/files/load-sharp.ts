/**
 * sharp, loaded on first use: its native library is needed only where images are decoded or
 * written, so importing @sieve/data (the embedded tasks, the GPU check's bundle) never loads it.
 */
import type Sharp from 'sharp';

let loaded: Promise<typeof Sharp> | null = null;

export function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then((module) => module.default);
  return loaded;
}
