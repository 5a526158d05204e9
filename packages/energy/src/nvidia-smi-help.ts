/** One field that `--query-gpu` accepts, from `nvidia-smi --help-query-gpu`. */
export interface QueryFieldHelp {
  /** The field and its aliases: `["power.draw.instant", "gpu.power.draw.instant"]`. */
  names: string[];
  description: string;
}

/**
 * Parses `nvidia-smi --help-query-gpu`: each field starts with a line of quoted names
 * (`"power.draw.average" or "gpu.power.draw.average"`), followed by its description.
 */
export function parseHelpQueryGpu(text: string): QueryFieldHelp[] {
  const fields: QueryFieldHelp[] = [];
  let current: QueryFieldHelp | null = null;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (/^"[^"]+"(\s+or\s+"[^"]+")*$/.test(trimmed)) {
      current = { names: [...trimmed.matchAll(/"([^"]+)"/g)].map((m) => m[1]), description: '' };
      fields.push(current);
    } else if (trimmed === '') {
      current = null;
    } else if (current) {
      current.description = current.description ? `${current.description} ${trimmed}` : trimmed;
    }
  }
  return fields;
}

/** Whether the help text lists `field` (by any of its names). */
export function helpListsField(help: readonly QueryFieldHelp[], field: string): boolean {
  return help.some((f) => f.names.includes(field));
}
