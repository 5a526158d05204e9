/**
 * Vocabularies for stored captions and the token files written under them. A built vocabulary is
 * '<pad>', '<unk>' and the V most frequent words of the pool (ties by word, so it is the same on
 * every machine); a vocabulary file is used as written, line i being token id i (a '<pad>' first
 * line is added when missing). Words outside the vocabulary become '<unk>' when it has one and
 * are dropped otherwise.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { UserInputError } from '@sieve/core';
import { PAD_TOKEN } from '../vocabulary';
import { captionWords } from './caption-words';
import { forEachRecord } from './store-records';
import { storeFile, tokensFile } from './store-layout';

export const UNKNOWN_TOKEN = '<unk>';

export interface StoreVocabulary {
  /** Token id -> word; id 0 is '<pad>'. */
  words: string[];
  /** Names the vocabulary in token file names. */
  id: string;
}

export function vocabularyOf(words: string[]): StoreVocabulary {
  return { words, id: createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 12) };
}

/** '<pad>', '<unk>' and the `size` most frequent words of a store. */
export function builtVocabulary(storeDir: string, size: number): StoreVocabulary {
  const counts = JSON.parse(readFileSync(storeFile(storeDir, 'words'), 'utf8')) as Array<[string, number]>;
  return vocabularyOf([PAD_TOKEN, UNKNOWN_TOKEN, ...counts.slice(0, size).map(([word]) => word)]);
}

/** A vocabulary file: one word a line. */
export function vocabularyFromFile(file: string, field: string): StoreVocabulary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserInputError(field, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a text file with one word a line.`);
  }
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  const words = lines[0] === PAD_TOKEN ? lines : [PAD_TOKEN, ...lines];
  const seen = new Set<string>();
  for (const [line, word] of words.entries()) {
    if (/\s/.test(word)) throw new UserInputError(field, `${file} line ${line + 1}: "${word}" is not one word; write one word a line.`);
    if (seen.has(word)) throw new UserInputError(field, `${file}: "${word}" appears twice; each word once.`);
    seen.add(word);
  }
  if (words.length < 2) throw new UserInputError(field, `${file} holds no word; write one word a line.`);
  return vocabularyOf(words);
}

/** Token ids of one caption: its words' ids in order, cut at maxTokens, padded with 0. */
export function encodeCaption(caption: string, ids: Map<string, number>, maxTokens: number, into: Int32Array, offset: number): void {
  const unknown = ids.get(UNKNOWN_TOKEN);
  let t = 0;
  for (const word of captionWords(caption)) {
    if (t === maxTokens) break;
    const id = ids.get(word) ?? unknown;
    if (id !== undefined) into[offset + t++] = id;
  }
  into.fill(0, offset + t, offset + maxTokens);
}

export function idsOf(vocabulary: StoreVocabulary): Map<string, number> {
  return new Map(vocabulary.words.map((word, id) => [word, id]));
}

/** The store's token file under this vocabulary, written (in one pass over the captions) when missing. */
export function ensureTokenFile(storeDir: string, vocabulary: StoreVocabulary, maxTokens: number): string {
  const file = tokensFile(storeDir, vocabulary.id, maxTokens);
  if (existsSync(file)) return file;
  const ids = idsOf(vocabulary);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const chunk = new Int32Array(4096 * maxTokens);
    let rows = 0;
    let position = 0;
    const flush = () => {
      const bytes = Buffer.from(chunk.buffer, 0, rows * maxTokens * 4);
      writeSync(fd, bytes, 0, bytes.length, position);
      position += bytes.length;
      rows = 0;
    };
    forEachRecord(storeFile(storeDir, 'records'), (record) => {
      encodeCaption(record.caption, ids, maxTokens, chunk, rows * maxTokens);
      if (++rows === 4096) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}
