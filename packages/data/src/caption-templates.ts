/** Brightness bins, darkest first: bin b of an image is BRIGHTNESS_WORDS[b]. */
export const BRIGHTNESS_WORDS = ['dark', 'medium', 'bright'] as const;
/** Size bins, smallest first. */
export const SIZE_WORDS = ['small', 'large'] as const;

/** Number of (brightness, size) combinations per class: 6 with the default bins. */
export const ATTRIBUTE_COMBINATIONS = BRIGHTNESS_WORDS.length * SIZE_WORDS.length;

/** Concept id of an image: class x brightness bin x size bin (0..59 for Fashion-MNIST). */
export function conceptIdOf(classIndex: number, brightness: number, size: number): number {
  return classIndex * ATTRIBUTE_COMBINATIONS + brightness * SIZE_WORDS.length + size;
}

/**
 * Caption templates; a caption picks one at random. Slots: {brightness}, {size}, {noun}.
 * Every template holds all three, so a caption always says class and both attributes.
 */
export const CAPTION_TEMPLATES: readonly string[] = [
  'a photo of a {brightness} {size} {noun}',
  'a {brightness} photo of a {size} {noun}',
  'a picture of a {size} {brightness} {noun}',
  'a {size} {noun} in a {brightness} photo',
  'this is a {brightness} {size} {noun}',
  'a {size} {brightness} {noun} on a plain background',
];

/** The zero-shot prompt for a class, one per noun of the class. */
export const CLASS_PROMPT_TEMPLATE = 'a photo of a {noun}';

/** The zero-shot prompt for a concept (class, brightness, size), one per noun of the class. */
export const CONCEPT_PROMPT_TEMPLATE = CAPTION_TEMPLATES[0];

/** Fills a template's slots; the result is a list of words (tokens). */
export function fillTemplate(
  template: string,
  slots: { brightness?: string; size?: string; noun: readonly string[] },
): string[] {
  const words: string[] = [];
  for (const part of template.split(' ')) {
    if (part === '{noun}') words.push(...slots.noun);
    else if (part === '{brightness}') words.push(required(slots.brightness, template, part));
    else if (part === '{size}') words.push(required(slots.size, template, part));
    else words.push(part);
  }
  return words;
}

function required(value: string | undefined, template: string, slot: string): string {
  if (value === undefined) throw new Error(`template '${template}' needs ${slot}`);
  return value;
}
