// Eighths of a cell, so a bar of width W resolves 8W levels.
const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const FULL_BLOCK = '█';

/** A left-aligned bar of `fraction` (clamped to [0, 1]) of `width` cells, padded with `fill`. */
export function renderBar(fraction: number, width: number, fill = ' '): string {
  const cells = Math.max(0, Math.floor(width));
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const eighths = Math.round(clamped * cells * 8);
  const full = Math.floor(eighths / 8);
  const partial = PARTIAL_BLOCKS[eighths % 8];
  const drawn = FULL_BLOCK.repeat(full) + partial;
  return drawn + fill.repeat(cells - full - (partial ? 1 : 0));
}
