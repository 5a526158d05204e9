import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE_COMBINATIONS,
  BRIGHTNESS_WORDS,
  CAPTION_TEMPLATES,
  SIZE_WORDS,
  conceptIdOf,
  fillTemplate,
} from './caption-templates';

describe('conceptIdOf', () => {
  it('numbers concepts class-major: class*6 + brightness*2 + size', () => {
    expect(ATTRIBUTE_COMBINATIONS).toBe(6);
    expect(conceptIdOf(0, 0, 0)).toBe(0);
    expect(conceptIdOf(1, 0, 1)).toBe(7); // 6 + 0 + 1
    expect(conceptIdOf(9, 2, 1)).toBe(59); // 54 + 4 + 1: the last of 60
  });

  it('is a bijection from 10 classes x 3 brightness x 2 size onto 0..59', () => {
    const ids = new Set<number>();
    for (let c = 0; c < 10; c++)
      for (let b = 0; b < BRIGHTNESS_WORDS.length; b++) for (let s = 0; s < SIZE_WORDS.length; s++) ids.add(conceptIdOf(c, b, s));
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, k) => k));
  });
});

describe('fillTemplate', () => {
  it('fills the slots, a noun of two words giving two tokens', () => {
    expect(fillTemplate(CAPTION_TEMPLATES[1], { brightness: 'dark', size: 'small', noun: ['ankle', 'boot'] })).toEqual(
      'a dark photo of a small ankle boot'.split(' '),
    );
  });

  it('needs every slot the template has', () => {
    expect(() => fillTemplate(CAPTION_TEMPLATES[0], { noun: ['boot'] })).toThrow(/needs \{brightness\}/);
  });

  it('every caption template names the noun and both attributes exactly once', () => {
    for (const template of CAPTION_TEMPLATES)
      for (const slot of ['{brightness}', '{size}', '{noun}'])
        expect(template.split(' ').filter((part) => part === slot)).toHaveLength(1);
  });
});
