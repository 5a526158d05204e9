import type { SourcePreparation } from './files/files-dataset';

/** Images with their classes, before any split: what a source (npm JSON, IDX files) decodes to. */
export interface LabelledImages {
  count: number;
  /** Images are side x side. */
  side: number;
  /** count x (side*side) raw intensities 0..255, row-major. */
  pixels: Uint8Array;
  /** Class index of each image. */
  labels: Int32Array;
  /** Source entries that were not images (wrong length, not numbers) and were left out. */
  droppedEntries: number;
}

export interface ImageSplit {
  count: number;
  /** count x (side*side) pixels in [0, 1], row-major. */
  images: Float32Array;
  /** True class of each image. */
  labels: Int32Array;
}

export interface CaptionedSplit extends ImageSplit {
  /** count x maxTokens token ids; 0 is padding. */
  tokens: Int32Array;
}

export interface NoiseTagged {
  /** e.g. ['clean','duplicate','mismatched','junk'] or ['clean','flipped'] */
  tagNames: string[];
  /** Index into tagNames per example. Only benchmark oracles may see these. */
  tags: Uint8Array;
}

/**
 * A pool kept on disk: its rows are read by index, never held whole. A dataset whose pool has
 * `rows` leaves the pool's `images` and `tokens` empty.
 */
export interface PoolRows {
  readonly count: number;
  /** Copies the pool rows `indices` into `images` (count x pixels, in [0, 1]) and `tokens` (count x maxTokens); null skips one. */
  read(indices: ArrayLike<number>, images: Float32Array | null, tokens: Int32Array | null): void;
  /** Names rows the next steps will read, so that they can be read ahead; what is read is the same either way. */
  prefetch?(indices: ArrayLike<number>): void;
}

/** Retrieval metrics' inputs: the test captions, and which of them are the same text. */
export interface CaptionedTest {
  /** count x maxTokens token ids. */
  tokens: Int32Array;
  /** Samples whose captions are identical after normalisation share a group id. */
  captionGroups: Int32Array;
}

export interface ContrastiveDataset {
  kind: 'contrastive';
  /** 'fashion-captions' or 'idx'. */
  name: string;
  /** Images are imageSide x imageSide (28 for Fashion-MNIST). */
  imageSide: number;
  /** Values per pixel, interleaved: 1 (gray; the embedded tasks) or 3 (RGB). Unset means 1. */
  imageChannels?: number;
  classNames: string[];
  /** Token id -> word; id 0 is '<pad>'. */
  vocabulary: string[];
  maxTokens: number;
  /**
   * The noisy training pool. `duplicateOf[i]` is the pool index of the example that
   * duplicate i was copied from, -1 for every other tag (like `tags`, for oracles only;
   * always set by this package, optional so that hand-made test datasets may leave it out).
   */
  pool: CaptionedSplit & NoiseTagged & { duplicateOf?: Int32Array; rows?: PoolRows; scores?: Float32Array };
  /** Clean, curated: true captions only. */
  reference: CaptionedSplit;
  /** Clean; concept id per image (class x brightness bin x size bin, see `conceptIdOf`). */
  test: ImageSplit & { concepts: Int32Array; captioned?: CaptionedTest };
  /** Empty prompt lists for data without classes (the score is then retrieval's). */
  zeroShot: {
    /** classPrompts[c]: k_c x maxTokens token ids (one prompt per synonym of class c; the evaluator averages their embeddings). */
    classPrompts: Int32Array[];
    /** conceptPrompts[k]: m x maxTokens token ids for concept k (k = class*6 + brightness*2 + size with default bins). */
    conceptPrompts: Int32Array[];
    /** e.g. 'dark small ankle boot'. */
    conceptNames: string[];
  };
  /** Malformed source entries dropped (not 784 values). */
  droppedEntries: number;
  /** Names the data exactly when the pool is on disk (task `files`): the stores' fingerprints and the vocabulary. */
  contentId?: string;
}

export interface ClassificationDataset {
  kind: 'classification';
  /** 'fashion-noisy-labels'. */
  name: string;
  imageSide: number;
  classNames: string[];
  /** labels = possibly flipped labels; tags 'clean'/'flipped'; trueLabels = the classes before flipping. */
  pool: ImageSplit & NoiseTagged & { trueLabels: Int32Array };
  reference: ImageSplit;
  test: ImageSplit;
  droppedEntries: number;
}

export type Dataset = ContrastiveDataset | ClassificationDataset;

export interface LoadedDataset {
  dataset: Dataset;
  /** True when the decoded images came from the binary cache rather than the source files. */
  fromCache: boolean;
  /** Wall seconds the load took. */
  seconds: number;
  /** Things the user should know that did not stop the load (an unwritable or rebuilt cache). */
  warnings: string[];
  /** Task `files`: each source's store and tally of skipped samples. */
  sources?: SourcePreparation[];
}
