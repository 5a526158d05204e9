/**
 * Splits a stream of text chunks into whole lines, keeping a cut-off last line until the
 * rest arrives. A runaway line (no newline for `maxLineLength` characters) is dropped.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly maxLineLength = 65_536) {}

  push(chunk: string): string[] {
    const pieces = (this.partial + chunk).split('\n');
    this.partial = pieces.pop() ?? '';
    if (this.partial.length > this.maxLineLength) this.partial = '';
    return pieces.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** The last line, if the stream ended without a newline. */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}
