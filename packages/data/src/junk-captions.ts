import type { Rng } from '@sieve/core';

/** Words of junk captions: scraped file names, shop banners, numbers. None names a class or an attribute. */
export const JUNK_FILE_PREFIXES: readonly string[] = ['img', 'dsc', 'pic', 'scan', 'photo_final', 'untitled'];
export const JUNK_FILE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp', 'gif'];
export const JUNK_NUMBERS: readonly string[] = [
  '0001', '0473', '1024', '1080', '2019', '2020', '2021', '2022', '2023', '3341', '4821', '5512', '6606', '7730', '8192', '9001',
];
export const JUNK_SHOP_WORDS: readonly string[] = [
  'sale', 'free', 'shipping', 'buy', 'now', 'discount', 'best', 'price', 'new', 'arrival', 'order', 'today',
  'deal', 'offer', 'cheap', 'shop', 'store', 'limited', 'stock', 'click', 'here', 'sold', 'out', 'off',
];

export const JUNK_MIN_SHOP_WORDS = 1;
export const JUNK_MAX_SHOP_WORDS = 4;
/** Longest junk caption: a file name (prefix, number, extension) and the most shop words. */
export const JUNK_MAX_WORDS = 3 + JUNK_MAX_SHOP_WORDS;

export const JUNK_WORDS: readonly string[] = [
  ...JUNK_FILE_PREFIXES,
  ...JUNK_NUMBERS,
  ...JUNK_FILE_EXTENSIONS,
  ...JUNK_SHOP_WORDS,
];

/** A junk caption such as 'img 4821 jpg sale free shipping' or 'best price dsc 0473 png'. */
export function junkCaptionWords(rng: Rng): string[] {
  const fileName = [pick(rng, JUNK_FILE_PREFIXES), pick(rng, JUNK_NUMBERS), pick(rng, JUNK_FILE_EXTENSIONS)];
  const shopWordCount = JUNK_MIN_SHOP_WORDS + rng.nextInt(JUNK_MAX_SHOP_WORDS - JUNK_MIN_SHOP_WORDS + 1);
  const shopWords = Array.from({ length: shopWordCount }, () => pick(rng, JUNK_SHOP_WORDS));
  return rng.nextFloat() < 0.5 ? [...fileName, ...shopWords] : [...shopWords, ...fileName];
}

function pick(rng: Rng, words: readonly string[]): string {
  return words[rng.nextInt(words.length)];
}
