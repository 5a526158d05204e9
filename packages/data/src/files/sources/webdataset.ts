/**
 * Reads WebDataset tar shards: consecutive members sharing a key (the member path up to the first
 * dot of its file name) form one sample with a jpg/jpeg/png/webp/gif image, a txt caption and an
 * optional json metadata object; anything short of that becomes a skip.
 */
import { basename } from 'node:path';
import { tarMembers } from './tar-members';
import type { SourceItem } from './types';

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif']);
const utf8 = new TextDecoder('utf-8');

interface Group {
  key: string;
  image?: Uint8Array;
  caption?: Uint8Array;
  json?: Uint8Array;
}

/** `a/b/KEY.seg.png` → key `a/b/KEY`, extension `seg.png`; null for names with no key or no extension. */
export function splitMemberName(name: string): { key: string; extension: string } | null {
  const slash = name.lastIndexOf('/');
  const file = name.slice(slash + 1);
  const dot = file.indexOf('.');
  if (dot <= 0 || dot === file.length - 1) return null;
  return { key: name.slice(0, slash + 1 + dot), extension: file.slice(dot + 1).toLowerCase() };
}

function wantedMember(name: string): boolean {
  const extension = splitMemberName(name)?.extension;
  return extension !== undefined && (IMAGE_EXTENSIONS.has(extension) || extension === 'txt' || extension === 'json');
}

function parseMeta(bytes: Uint8Array | undefined): Record<string, unknown> | null {
  if (!bytes) return {};
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function finish(group: Group, origin: string): SourceItem {
  const { key } = group;
  if (!group.image) return { skipped: { reason: 'missing-image', key, origin } };
  if (!group.caption) return { skipped: { reason: 'missing-caption', key, origin } };
  const meta = parseMeta(group.json);
  if (!meta) return { skipped: { reason: 'bad-metadata', key, origin } };
  return { sample: { key, image: group.image, caption: utf8.decode(group.caption).trim(), meta, origin } };
}

function add(group: Group, extension: string, data: Uint8Array | null): void {
  if (!data) return;
  if (IMAGE_EXTENSIONS.has(extension)) group.image ??= data;
  else if (extension === 'txt') group.caption ??= data;
  else if (extension === 'json') group.json ??= data;
}

/** The samples of one shard in tar order; `origin` names the shard in messages. */
export async function* readShard(file: string, origin: string): AsyncGenerator<SourceItem> {
  const members = tarMembers(file, wantedMember);
  let group: Group | null = null;
  for (;;) {
    const next = await members.next();
    if (next.done) {
      const end = next.value;
      // A sample whose own member was cut is lost with the rest of the shard; the one before stands.
      const cut = !end.ok && end.member !== undefined && splitMemberName(end.member)?.key === group?.key;
      if (group && !cut) yield finish(group, origin);
      if (!end.ok) yield { skipped: { reason: end.damage === 'truncated' ? 'truncated-tar' : 'unreadable-shard', key: basename(file), origin } };
      return;
    }
    const parts = splitMemberName(next.value.name);
    if (!parts) continue;
    if (group && group.key !== parts.key) yield finish(group, origin);
    if (!group || group.key !== parts.key) group = { key: parts.key };
    add(group, parts.extension, next.value.data);
  }
}
