/** Commander argument parsers that name the flag in their message. */
import { InvalidArgumentError } from 'commander';

export function integer(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}".`);
    return parsed;
  };
}

export function decimal(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new InvalidArgumentError(`${flag} takes a number, got "${value}".`);
    return parsed;
  };
}
