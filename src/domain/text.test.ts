import { describe, it, expect } from 'vitest';
import { codePointLength, codePointSlice, encodeRfc3986, toWellFormed } from './text.js';

describe('text helpers', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('测试')).toBe(2);
  });

  it('slices without splitting surrogate pairs', () => {
    expect(codePointSlice('😀😀😀', 2)).toBe('😀😀');
    expect(codePointSlice('abc', 5)).toBe('abc');
    expect(codePointSlice('abc', 0)).toBe('');
  });

  it('repairs lone surrogates', () => {
    expect(toWellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(toWellFormed('a\uDC00')).toBe('a\uFFFD');
    expect(toWellFormed('😀')).toBe('😀');
  });

  it('percent-encodes per RFC 3986', () => {
    expect(encodeRfc3986("a!b'c(d)e*f")).toBe('a%21b%27c%28d%29e%2Af');
    expect(encodeRfc3986('测试')).toBe('%E6%B5%8B%E8%AF%95');
    expect(encodeRfc3986('a.b-c_d~e')).toBe('a.b-c_d~e');
    expect(() => encodeRfc3986('\uD800')).not.toThrow();
  });
});
