/**
 * Picks the image and caption columns of a list or parquet file: the user's --image-column /
 * --caption-column when given (they must exist), else the first present of the usual names.
 */
import { UserInputError } from '@sieve/core';
import type { ColumnOptions } from './types';

export interface ColumnDefaults {
  image: readonly string[];
  caption: readonly string[];
}

export const LIST_COLUMNS: ColumnDefaults = {
  image: ['filepath', 'file_name', 'image', 'image_path', 'path'],
  caption: ['title', 'text', 'caption'],
};

export const PARQUET_COLUMNS: ColumnDefaults = {
  image: [...LIST_COLUMNS.image, 'jpg', 'png'],
  caption: [...LIST_COLUMNS.caption, 'txt'],
};

export interface ChosenColumns {
  image: string;
  caption: string;
}

/** Throws a UserInputError naming `file`, the columns found and the flag to use. */
export function chooseColumns(found: readonly string[], defaults: ColumnDefaults, options: ColumnOptions, file: string, field: string): ChosenColumns {
  const listed = found.length > 0 ? found.join(', ') : 'none';
  const problems: string[] = [];
  const pick = (given: string | undefined, names: readonly string[], what: string, flag: string): string => {
    if (given !== undefined) {
      if (found.includes(given)) return given;
      problems.push(`has no ${what} column '${given}' (given by ${flag})`);
      return '';
    }
    const name = names.find((candidate) => found.includes(candidate));
    if (name === undefined) problems.push(`has none of the ${what} columns ${names.join(', ')}: name it with ${flag}`);
    return name ?? '';
  };
  const image = pick(options.imageColumn, defaults.image, 'image', '--image-column');
  const caption = pick(options.captionColumn, defaults.caption, 'caption', '--caption-column');
  if (problems.length > 0) throw new UserInputError(field, `${file} ${problems.join('; and ')} (columns found: ${listed})`);
  return { image, caption };
}
