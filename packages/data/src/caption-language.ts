import type { Rng } from '@sieve/core';
import {
  BRIGHTNESS_WORDS,
  CAPTION_TEMPLATES,
  CLASS_PROMPT_TEMPLATE,
  CONCEPT_PROMPT_TEMPLATE,
  SIZE_WORDS,
  conceptIdOf,
  fillTemplate,
} from './caption-templates';
import { JUNK_MAX_WORDS, JUNK_WORDS, junkCaptionWords } from './junk-captions';
import { Vocabulary } from './vocabulary';

/** What a true caption says, and how it says it. */
export interface CaptionMeaning {
  classIndex: number;
  /** Index into BRIGHTNESS_WORDS. */
  brightness: number;
  /** Index into SIZE_WORDS. */
  size: number;
  /** Index into CAPTION_TEMPLATES. */
  template: number;
  /** Index into the class's nouns. */
  noun: number;
}

/**
 * The captions of one dataset: its vocabulary (templates, attribute words, class nouns,
 * junk words) and the rendering and parsing of captions and zero-shot prompts.
 */
export class CaptionLanguage {
  readonly vocabulary: Vocabulary;
  /** Tokens per caption row; shorter captions are padded with 0. */
  readonly maxTokens: number;
  /** nouns[c][k]: the words of noun k of class c. */
  private readonly nouns: string[][][];
  private meaningsByKey: Map<string, CaptionMeaning> | undefined;

  /** @param classNouns per class, its nouns ('ankle boot', 'boot'); words are split on spaces */
  constructor(classNouns: readonly (readonly string[])[]) {
    this.nouns = classNouns.map((nouns) => nouns.map((noun) => noun.trim().split(/\s+/)));
    const templateWords = [...CAPTION_TEMPLATES, CLASS_PROMPT_TEMPLATE]
      .flatMap((template) => template.split(' '))
      .filter((word) => !word.startsWith('{'));
    this.vocabulary = new Vocabulary([
      ...templateWords,
      ...BRIGHTNESS_WORDS,
      ...SIZE_WORDS,
      ...this.nouns.flat(2),
      ...JUNK_WORDS,
    ]);
    const longestNoun = Math.max(1, ...this.nouns.flat().map((noun) => noun.length));
    const longestTemplate = Math.max(
      ...[...CAPTION_TEMPLATES, CLASS_PROMPT_TEMPLATE].map(
        (template) => fillTemplate(template, { brightness: 'x', size: 'x', noun: [] }).length,
      ),
    );
    this.maxTokens = Math.max(longestTemplate + longestNoun, JUNK_MAX_WORDS);
  }

  get classCount(): number {
    return this.nouns.length;
  }

  nounCount(classIndex: number): number {
    return this.nouns[classIndex].length;
  }

  captionWords(meaning: CaptionMeaning): string[] {
    return fillTemplate(CAPTION_TEMPLATES[meaning.template], {
      brightness: BRIGHTNESS_WORDS[meaning.brightness],
      size: SIZE_WORDS[meaning.size],
      noun: this.nouns[meaning.classIndex][meaning.noun],
    });
  }

  /** Writes the caption's token row into `tokens` at row `row`. */
  writeCaption(meaning: CaptionMeaning, tokens: Int32Array, row: number): void {
    this.vocabulary.encodeInto(this.captionWords(meaning), this.maxTokens, tokens, row * this.maxTokens);
  }

  /** A true caption with a random template and noun. */
  randomMeaning(rng: Rng, classIndex: number, brightness: number, size: number): CaptionMeaning {
    const template = rng.nextInt(CAPTION_TEMPLATES.length);
    const noun = rng.nextInt(this.nouns[classIndex].length);
    return { classIndex, brightness, size, template, noun };
  }

  writeJunkCaption(rng: Rng, tokens: Int32Array, row: number): void {
    this.vocabulary.encodeInto(junkCaptionWords(rng), this.maxTokens, tokens, row * this.maxTokens);
  }

  /** The meaning of a true caption's token row, or null for anything else (junk, a prompt). */
  parse(tokens: ArrayLike<number>): CaptionMeaning | null {
    this.meaningsByKey ??= this.allMeanings();
    const words = this.vocabulary.decode(tokens);
    return this.meaningsByKey.get(words.join(' ')) ?? null;
  }

  /** classPrompts[c]: one row per noun of class c ('a photo of a boot'). */
  classPrompts(): Int32Array[] {
    return this.nouns.map((nouns) => this.encodeRows(nouns.map((noun) => fillTemplate(CLASS_PROMPT_TEMPLATE, { noun }))));
  }

  /** conceptPrompts[conceptIdOf(c, b, s)]: one row per noun of class c ('a photo of a dark small boot'). */
  conceptPrompts(): Int32Array[] {
    const prompts: Int32Array[] = [];
    this.forEachConcept((classIndex, brightness, size) => {
      prompts[conceptIdOf(classIndex, brightness, size)] = this.encodeRows(
        this.nouns[classIndex].map((noun) =>
          fillTemplate(CONCEPT_PROMPT_TEMPLATE, { brightness: BRIGHTNESS_WORDS[brightness], size: SIZE_WORDS[size], noun }),
        ),
      );
    });
    return prompts;
  }

  /** conceptNames[conceptIdOf(c, b, s)], e.g. 'dark small ankle boot'. */
  conceptNames(classNames: readonly string[]): string[] {
    const names: string[] = [];
    this.forEachConcept((classIndex, brightness, size) => {
      names[conceptIdOf(classIndex, brightness, size)] =
        `${BRIGHTNESS_WORDS[brightness]} ${SIZE_WORDS[size]} ${classNames[classIndex]}`;
    });
    return names;
  }

  private forEachConcept(visit: (classIndex: number, brightness: number, size: number) => void): void {
    for (let classIndex = 0; classIndex < this.nouns.length; classIndex++)
      for (let brightness = 0; brightness < BRIGHTNESS_WORDS.length; brightness++)
        for (let size = 0; size < SIZE_WORDS.length; size++) visit(classIndex, brightness, size);
  }

  private encodeRows(rows: string[][]): Int32Array {
    const tokens = new Int32Array(rows.length * this.maxTokens);
    rows.forEach((words, row) => this.vocabulary.encodeInto(words, this.maxTokens, tokens, row * this.maxTokens));
    return tokens;
  }

  /** Every true caption, keyed by its text; the first meaning wins if two render alike. */
  private allMeanings(): Map<string, CaptionMeaning> {
    const meanings = new Map<string, CaptionMeaning>();
    this.forEachConcept((classIndex, brightness, size) => {
      for (let template = 0; template < CAPTION_TEMPLATES.length; template++)
        for (let noun = 0; noun < this.nouns[classIndex].length; noun++) {
          const meaning = { classIndex, brightness, size, template, noun };
          const key = this.captionWords(meaning).join(' ');
          if (!meanings.has(key)) meanings.set(key, meaning);
        }
    });
    return meanings;
  }
}
