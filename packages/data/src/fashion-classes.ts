/** Fashion-MNIST's classes, in label order 0..9. */
export const FASHION_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
];

/**
 * The nouns a caption may use for each class, in label order; a noun of several words is
 * several tokens. Every noun belongs to one class only, so a caption names a single class
 * ('boot' and 'ankle boot' are both class 9).
 */
export const FASHION_CLASS_NOUNS: readonly (readonly string[])[] = [
  ['t-shirt', 'top', 'tee'],
  ['trousers', 'pants', 'slacks'],
  ['pullover', 'sweater', 'jumper'],
  ['dress', 'gown', 'frock'],
  ['coat', 'jacket', 'overcoat'],
  ['sandal', 'flip-flop', 'summer sandal'],
  ['shirt', 'blouse', 'button-down shirt'],
  ['sneaker', 'trainer', 'running shoe'],
  ['bag', 'handbag', 'purse'],
  ['ankle boot', 'boot', 'bootie'],
];
