/**
 * Streams the file members of one tar shard with tar-stream, one member in memory at a time, and
 * ends with how the shard ended: whole, damaged (cut mid-member, a bad header) or not openable.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extract } from 'tar-stream';

export interface TarMember {
  name: string;
  /** The member's bytes, or null for a member `wanted` turned down (its bytes are skipped). */
  data: Uint8Array | null;
}

/** How a shard ended; `member` names the member being read when the damage showed, if any. */
export type TarEnd = { ok: true } | { ok: false; damage: 'truncated' | 'unreadable'; detail: string; member?: string };

async function readAll(chunks: AsyncIterable<Buffer>, keep: boolean): Promise<Uint8Array | null> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) if (keep) parts.push(chunk);
  return keep ? Buffer.concat(parts) : null;
}

async function openShard(file: string): Promise<FileHandle | string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return 'not a regular file';
    }
    return handle;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    return (error as Error).message;
  }
}

/** Yields the regular-file members in tar order; returns how the shard ended. Never throws for bad data. */
export async function* tarMembers(file: string, wanted: (name: string) => boolean): AsyncGenerator<TarMember, TarEnd> {
  const handle = await openShard(file);
  if (typeof handle === 'string') return { ok: false, damage: 'unreadable', detail: handle };
  const input = handle.createReadStream();
  const tar = extract();
  input.on('error', (error) => tar.destroy(error));
  input.pipe(tar);
  let member: string | undefined;
  try {
    for await (const entry of tar) {
      member = entry.header.name;
      const isFile = entry.header.type === 'file' || entry.header.type === 'contiguous-file';
      const data = await readAll(entry, isFile && wanted(entry.header.name));
      member = undefined;
      if (isFile) yield { name: entry.header.name, data };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, damage: 'truncated', detail: (error as Error).message, member };
  } finally {
    input.destroy();
    tar.destroy();
  }
}
