// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/**
 * Columns a line takes in a terminal, counting one per code point: right for the ASCII,
 * box, block and braille characters the dashboard draws with (it draws no wide characters).
 */
export function visibleWidth(line: string): number {
  return [...stripAnsi(line)].length;
}

/** The widest line of a frame. */
export function frameWidth(frame: string): number {
  return Math.max(0, ...frame.split('\n').map(visibleWidth));
}
