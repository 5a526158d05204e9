/**
 * Joins as many leading parts as fit in `width` columns, dropping the rest whole rather
 * than cutting a word in half. Order parts by importance. The first part is always kept.
 */
export function fitParts(parts: readonly string[], width: number, separator = ' · '): string {
  let line = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    const longer = `${line}${separator}${part}`;
    if ([...longer].length > width) break;
    line = longer;
  }
  return line;
}
