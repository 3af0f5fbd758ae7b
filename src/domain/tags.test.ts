import { describe, it, expect } from 'vitest';
import { isValidTag, parseTags, tagUrlKey, tagUrlKeyRfc3986 } from './tags.js';

describe('parseTags', () => {
  it('splits, trims and collapses whitespace', () => {
    expect(parseTags('cats,  dogs ,big   fish,\tbirds\n')).toEqual(['cats', 'dogs', 'big fish', 'birds']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags(' , ,, ')).toEqual([]);
  });

  it('drops case-insensitive duplicates, keeping the first', () => {
    expect(parseTags('Cat, cat, CAT, dog, Cat')).toEqual(['Cat', 'dog']);
    expect(parseTags('caf\u00e9, cafe\u0301')).toEqual(['caf\u00e9']);
  });

  it('drops invalid tags', () => {
    const long = 'x'.repeat(33);
    expect(parseTags(`ok, ${long}, a/b, c#, ..., !!, -, ++, ~, bad\u0007tag, ${'测'.repeat(32)}`)).toEqual([
      'ok',
      '测'.repeat(32),
    ]);
    expect(parseTags('😀, 😀😀')).toEqual(['😀', '😀😀']);
  });

  it('keeps tags with punctuation mixed in', () => {
    expect(parseTags('C++, node.js, rock & roll, 100%, ..a')).toEqual(['C++', 'node.js', 'rock & roll', '100%', '..a']);
  });

  it('caps the count when asked', () => {
    expect(parseTags('a, b, c, d', 2)).toEqual(['a', 'b']);
    expect(parseTags('a, a, b, c', 2)).toEqual(['a', 'b']);
    expect(parseTags('a, b, c', 0)).toEqual(['a', 'b', 'c']);
  });
});

describe('isValidTag', () => {
  it('applies the length limit in code points', () => {
    expect(isValidTag('😀'.repeat(32))).toBe(true);
    expect(isValidTag('😀'.repeat(33))).toBe(false);
  });
});

describe('tagUrlKey', () => {
  it('percent-encodes the name', () => {
    expect(tagUrlKey('big fish')).toBe('big%20fish');
    expect(tagUrlKey('测试')).toBe('%E6%B5%8B%E8%AF%95');
    expect(tagUrlKey('rock & roll')).toBe('rock%20%26%20roll');
    expect(tagUrlKey("it's")).toBe("it's");
    expect(tagUrlKeyRfc3986("it's")).toBe('it%27s');
  });
});
