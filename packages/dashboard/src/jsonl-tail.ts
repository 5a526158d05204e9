import { open, stat } from 'node:fs/promises';

export interface JsonlLine {
  /** 1-based line number in the file. */
  lineNumber: number;
  /** The parsed value, or undefined when the line is not valid JSON. */
  value: unknown;
  /** Set when the line is not valid JSON. */
  error?: string;
}

const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Reads a JSON-lines file that another process may still be appending to: each `read`
 * returns the lines completed since the last one and keeps a partial last line (even one
 * cut inside a multi-byte character) for the next read. A missing file reads as no lines.
 */
export class JsonlTail {
  private offsetBytes = 0;
  private partial: Buffer = Buffer.alloc(0);
  private linesRead = 0;

  constructor(readonly path: string) {}

  /**
   * New complete lines. With `final`, a last line without its newline is returned too
   * (the writer has finished, so it will not grow).
   */
  async read(options: { final?: boolean } = {}): Promise<JsonlLine[]> {
    const size = await stat(this.path).then(
      (stats) => stats.size,
      () => null,
    );
    if (size === null) return [];
    if (size < this.offsetBytes) {
      // The file was replaced by a shorter one: start again from its beginning.
      this.offsetBytes = 0;
      this.partial = Buffer.alloc(0);
      this.linesRead = 0;
    }
    const chunks: Buffer[] = [this.partial];
    if (size > this.offsetBytes) {
      const handle = await open(this.path, 'r');
      try {
        while (this.offsetBytes < size) {
          const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, size - this.offsetBytes));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offsetBytes);
          if (bytesRead === 0) break;
          chunks.push(buffer.subarray(0, bytesRead));
          this.offsetBytes += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
    const data = Buffer.concat(chunks);
    const lastNewline = data.lastIndexOf(NEWLINE);
    const complete = lastNewline >= 0 ? data.subarray(0, lastNewline) : Buffer.alloc(0);
    this.partial = Buffer.from(data.subarray(lastNewline + 1));
    const texts = lastNewline >= 0 ? complete.toString('utf8').split('\n') : [];
    if (options.final && this.partial.length > 0) {
      texts.push(this.partial.toString('utf8'));
      this.partial = Buffer.alloc(0);
    }
    const lines: JsonlLine[] = [];
    for (const text of texts) {
      this.linesRead++;
      if (text.trim() === '') continue;
      try {
        lines.push({ lineNumber: this.linesRead, value: JSON.parse(text) });
      } catch (error) {
        lines.push({ lineNumber: this.linesRead, value: undefined, error: (error as Error).message });
      }
    }
    return lines;
  }
}
