import { UserInputError } from '@sieve/core';
import type { RunConfig } from '@sieve/core';
import { readIdxImages, readIdxLabels } from './idx';
import type { LabelledImages } from './types';

export interface IdxSource {
  images: LabelledImages;
  classNames: string[];
}

/**
 * The images, labels and class names of task `idx`, checked against each other: square
 * images, one label per image, a class name for every label, distinct non-blank names.
 */
export async function loadIdxImages(data: RunConfig['data']): Promise<IdxSource> {
  if (!data.images) throw new UserInputError('data.images', 'task idx needs the path of an IDX image file (e.g. train-images-idx3-ubyte.gz)');
  if (!data.labels) throw new UserInputError('data.labels', 'task idx needs the path of an IDX label file (e.g. train-labels-idx1-ubyte.gz)');
  if (!data.classes || data.classes.length === 0)
    throw new UserInputError('data.classes', 'task idx needs the class names, in label order, e.g. ["zero", "one", ...]');
  const classNames = data.classes.map((name) => name.trim());
  classNames.forEach((name, classIndex) => {
    if (name.length === 0) throw new UserInputError('data.classes', `class ${classIndex} has a blank name: give every class a name`);
    const first = classNames.findIndex((other) => other.toLowerCase() === name.toLowerCase());
    if (first !== classIndex)
      throw new UserInputError('data.classes', `classes ${first} and ${classIndex} are both named "${name}": give each class its own name`);
  });

  const idxImages = await readIdxImages(data.images, 'data.images');
  const labels = await readIdxLabels(data.labels, 'data.labels');
  if (idxImages.rows !== idxImages.cols)
    throw new UserInputError('data.images', `${data.images} holds ${idxImages.rows} x ${idxImages.cols} images; only square images are supported`);
  if (idxImages.count === 0) throw new UserInputError('data.images', `${data.images} holds no images`);
  if (labels.length !== idxImages.count)
    throw new UserInputError(
      'data.labels',
      `${data.labels} has ${labels.length} labels but ${data.images} has ${idxImages.count} images: give the label file that belongs to the image file`,
    );
  const highest = labels.reduce((max, label) => Math.max(max, label), 0);
  if (highest >= classNames.length)
    throw new UserInputError(
      'data.classes',
      `${data.labels} has label ${highest} (image ${labels.indexOf(highest)}) but only ${classNames.length} class names are given: list at least ${highest + 1}, in label order`,
    );
  return {
    images: { count: idxImages.count, side: idxImages.rows, pixels: idxImages.pixels, labels, droppedEntries: 0 },
    classNames,
  };
}
