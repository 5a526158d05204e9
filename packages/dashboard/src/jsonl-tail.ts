import { open, stat } from 'node:fs/promises';
import { splitJsonLines, type JsonLine } from '@sieve/core';

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
  async read(options: { final?: boolean } = {}): Promise<JsonLine[]> {
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
    // Lines are cut at the last newline byte, so a character cut in two waits whole for the next read.
    const lastNewline = data.lastIndexOf(NEWLINE);
    let complete = data.subarray(0, lastNewline + 1).toString('utf8');
    this.partial = Buffer.from(data.subarray(lastNewline + 1));
    if (options.final && this.partial.length > 0) {
      complete += `${this.partial.toString('utf8')}\n`;
      this.partial = Buffer.alloc(0);
    }
    const { lines, lineCount } = splitJsonLines(complete, this.linesRead + 1);
    this.linesRead += lineCount;
    return lines;
  }
}
