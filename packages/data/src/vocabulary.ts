export const PAD_TOKEN = '<pad>';
export const PAD_ID = 0;

/** A fixed word list: token id -> word, id 0 is padding. */
export class Vocabulary {
  readonly words: readonly string[];
  private readonly idsByWord: Map<string, number>;

  /** Keeps the first occurrence of each word, in order, after '<pad>'. */
  constructor(words: Iterable<string>) {
    const unique = [PAD_TOKEN];
    const idsByWord = new Map([[PAD_TOKEN, PAD_ID]]);
    for (const word of words) {
      if (idsByWord.has(word)) continue;
      if (word.length === 0 || /\s/.test(word)) throw new Error(`vocabulary word ${JSON.stringify(word)} must be one non-blank token`);
      idsByWord.set(word, unique.length);
      unique.push(word);
    }
    this.words = unique;
    this.idsByWord = idsByWord;
  }

  get size(): number {
    return this.words.length;
  }

  idOf(word: string): number {
    const id = this.idsByWord.get(word);
    if (id === undefined) throw new Error(`word ${JSON.stringify(word)} is not in the vocabulary`);
    return id;
  }

  /** Writes the words' ids into `into` at `offset`, padding with 0 up to `maxTokens`. */
  encodeInto(words: readonly string[], maxTokens: number, into: Int32Array, offset: number): void {
    if (words.length > maxTokens) throw new Error(`${words.length} words do not fit in ${maxTokens} tokens`);
    for (let t = 0; t < maxTokens; t++) into[offset + t] = t < words.length ? this.idOf(words[t]) : PAD_ID;
  }

  encode(words: readonly string[], maxTokens: number): Int32Array {
    const ids = new Int32Array(maxTokens);
    this.encodeInto(words, maxTokens, ids, 0);
    return ids;
  }

  /** The words of a token row, up to the first padding. */
  decode(ids: ArrayLike<number>): string[] {
    const words: string[] = [];
    for (let t = 0; t < ids.length && ids[t] !== PAD_ID; t++) words.push(this.words[ids[t]]);
    return words;
  }
}
