import { parseNvidiaSmiCell, type NvidiaSmiValue } from './nvidia-smi-csv';

/** A section of `nvidia-smi -q` output: values and sub-sections by their label. */
export interface NvidiaSmiSection {
  [label: string]: NvidiaSmiValue | NvidiaSmiSection;
}

/**
 * Parses `nvidia-smi -q` (optionally `-d POWER`) text: indentation nests sections, and
 * `Label : value` lines are values, parsed like CSV cells (`629.45 W`, bare `N/A`).
 * Sieve uses it to explain why power cannot be read.
 */
export function parseNvidiaSmiQueryText(text: string): NvidiaSmiSection {
  const root: NvidiaSmiSection = {};
  const stack: Array<{ indent: number; section: NvidiaSmiSection }> = [{ indent: -1, section: root }];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || /^=+.*=+$/.test(line.trim())) continue;
    const indent = line.length - line.trimStart().length;
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].section;
    const value = /^(.*?)\s+:\s?(.*)$/.exec(line.trim());
    if (value) {
      parent[value[1]] = parseNvidiaSmiCell(value[2]);
    } else {
      const section: NvidiaSmiSection = {};
      parent[line.trim()] = section;
      stack.push({ indent, section });
    }
  }
  return root;
}

/** Every value whose label is `label`, anywhere, with the path of sections leading to it. */
export function findValues(section: NvidiaSmiSection, label: string, path: string[] = []): Array<{ path: string[]; value: NvidiaSmiValue }> {
  const found: Array<{ path: string[]; value: NvidiaSmiValue }> = [];
  for (const [key, child] of Object.entries(section)) {
    if (isValue(child)) {
      if (key === label) found.push({ path: [...path, key], value: child });
    } else {
      found.push(...findValues(child, label, [...path, key]));
    }
  }
  return found;
}

function isValue(x: NvidiaSmiValue | NvidiaSmiSection): x is NvidiaSmiValue {
  return typeof (x as NvidiaSmiValue).kind === 'string' && typeof (x as NvidiaSmiValue).raw === 'string';
}
