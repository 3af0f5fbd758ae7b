import { describe, it, expect } from 'vitest';
import { cleanClientFileName, codePointLength, codePointSlice, encodeRfc3986, multiLineText, singleLineText, toWellFormed } from './text.js';

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

  it('removes control characters from client text', () => {
    expect(singleLineText('a\u0000b\tc\r\nd\u001b[31m\u007f\u0085e')).toBe('ab c d[31me');
    expect(multiLineText('line 1\r\nline 2\rline 3\u0000\u0007\ttab')).toBe('line 1\nline 2\nline 3\ttab');
    expect(singleLineText('😀 \uD800')).toBe('😀 \uFFFD');
  });

  it('cleans client file names: no controls, no bidi overrides, bounded', () => {
    expect(cleanClientFileName('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(cleanClientFileName('\u2066photo\u2069\u0000.jpg')).toBe('photo.jpg');
    expect(cleanClientFileName('😀'.repeat(300))).toBe('😀'.repeat(255));
    expect(cleanClientFileName('  \u0001 ')).toBe('');
  });
});
