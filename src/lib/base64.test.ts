import { describe, it, expect } from 'vitest';
import { decodeLenientBase64 } from './base64.js';

const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x3e, 0x3f, 0x00, 0x10, 0x80, 0x41]);
const standard = bytes.toString('base64'); // contains + and /
const plain = { spaceIsPlus: false };
const form = { spaceIsPlus: true };

function decode(input: string, options = plain): string | null {
  return decodeLenientBase64(input, options)?.toString('hex') ?? null;
}

describe('decodeLenientBase64', () => {
  it('decodes standard base64', () => {
    expect(standard).toMatch(/[+/]/);
    expect(decode(standard)).toBe(bytes.toString('hex'));
    expect(decode('aGVsbG8=')).toBe(Buffer.from('hello').toString('hex'));
  });

  it('decodes the URL-safe alphabet', () => {
    expect(decode(bytes.toString('base64url'))).toBe(bytes.toString('hex'));
  });

  it('accepts missing or short padding', () => {
    expect(decode('aGVsbG8')).toBe(Buffer.from('hello').toString('hex'));
    expect(decode('aGk')).toBe(Buffer.from('hi').toString('hex'));
    expect(decode('aA')).toBe(Buffer.from('h').toString('hex'));
    expect(decode('aA=')).toBe(Buffer.from('h').toString('hex'));
  });

  it('ignores line breaks and other whitespace', () => {
    const wrapped = `${standard.slice(0, 4)}\r\n${standard.slice(4, 8)}\n\t${standard.slice(8)}  \n`;
    expect(decode(wrapped)).toBe(bytes.toString('hex'));
  });

  it('strips a data: URI prefix', () => {
    expect(decode(`data:image/png;base64,${standard}`)).toBe(bytes.toString('hex'));
    expect(decode(`DATA:image/svg+xml;charset=utf-8;BASE64,${standard}`)).toBe(bytes.toString('hex'));
    expect(decode(`data:;base64,aGk=`)).toBe(Buffer.from('hi').toString('hex'));
  });

  it('refuses a data: URI that is not base64', () => {
    expect(decode('data:text/plain,hello')).toBeNull();
  });

  it('reads a space as + only in form-encoded values', () => {
    const spaced = standard.replaceAll('+', ' ');
    expect(spaced).not.toBe(standard);
    expect(decode(spaced, form)).toBe(bytes.toString('hex'));
    expect(decode(spaced, plain)).not.toBe(bytes.toString('hex'));
    expect(decode('aGVs bG8=', plain)).toBe(Buffer.from('hello').toString('hex'));
  });

  it('returns null for garbage', () => {
    expect(decode('not base64!')).toBeNull();
    expect(decode('aGVsbG8=x')).toBeNull();
    expect(decode('aG=VsbG8')).toBeNull();
    expect(decode('aGVsb===')).toBeNull();
    expect(decode('http://example.com/a.png')).toBeNull();
    expect(decode('aGVsbG8Ä')).toBeNull();
  });

  it('returns null for an impossible length', () => {
    expect(decode('a')).toBeNull();
    expect(decode('aGVsb')).toBeNull();
  });

  it('returns an empty buffer when nothing is left', () => {
    expect(decodeLenientBase64('  \r\n', plain)?.length).toBe(0);
    expect(decodeLenientBase64('data:image/png;base64,', plain)?.length).toBe(0);
  });
});
