/**
 * Expands the two shard patterns users write: brace ranges and lists (`{00000..00127}`, `{a,b}`,
 * several groups multiply, no nesting) and file-name wildcards (`*`, `?` in the last path part).
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const BRACE = /\{([^{}]*)\}/;

export function hasBraces(spec: string): boolean {
  return BRACE.test(spec);
}

export function hasWildcards(spec: string): boolean {
  return /[*?]/.test(spec);
}

/** `{3..5}` → 3,4,5; `{008..010}` keeps the padding (as bash does); `{a,b}` → a,b. */
function braceAlternatives(body: string): string[] {
  const range = /^(-?\d+)\.\.(-?\d+)$/.exec(body);
  if (!range) return body.split(',');
  const [from, to] = [range[1], range[2]];
  const padded = [from, to].some((n) => /^-?0\d/.test(n));
  const width = padded ? Math.max(from.length, to.length) : 0;
  const [a, b] = [Number(from), Number(to)];
  const step = a <= b ? 1 : -1;
  const out: string[] = [];
  for (let n = a; step > 0 ? n <= b : n >= b; n += step) out.push(String(n).padStart(width, '0'));
  return out;
}

/** Every text the braces of `spec` stand for, in expansion order. */
export function expandBraces(spec: string): string[] {
  const match = BRACE.exec(spec);
  if (!match) return [spec];
  const head = spec.slice(0, match.index);
  const tails = expandBraces(spec.slice(match.index + match[0].length));
  return braceAlternatives(match[1]).flatMap((alt) => tails.map((tail) => head + alt + tail));
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Paths in `dirname(pattern)` whose names match the wildcard file name, sorted by name. Hidden names only match a pattern that starts with a dot. */
export async function expandWildcards(pattern: string): Promise<string[]> {
  const folder = dirname(pattern);
  const name = basename(pattern);
  const regExp = wildcardRegExp(name);
  const entries = await readdir(folder);
  return entries
    .filter((entry) => regExp.test(entry) && (name.startsWith('.') || !entry.startsWith('.')))
    .sort()
    .map((entry) => join(folder, entry));
}
