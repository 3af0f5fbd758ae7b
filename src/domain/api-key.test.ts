import { describe, it, expect } from 'vitest';
import { formatApiKey, isDeleteSecret, parseApiKey } from './api-key.js';

const HEX64 = 'ab'.repeat(32);

describe('formatApiKey / parseApiKey', () => {
  it('round-trips', () => {
    const key = formatApiKey('Gs', HEX64);
    expect(key).toBe(`chv_Gs_${HEX64}`);
    expect(parseApiKey(key)).toEqual({ encodedId: 'Gs', secret: HEX64 });
    const long = '0f'.repeat(64);
    expect(parseApiKey(formatApiKey('zdmE', long))).toEqual({ encodedId: 'zdmE', secret: long });
  });

  it('refuses to format invalid parts', () => {
    expect(() => formatApiKey('', HEX64)).toThrow(RangeError);
    expect(() => formatApiKey('a_b', HEX64)).toThrow(RangeError);
    expect(() => formatApiKey('Gs', 'ab'.repeat(31))).toThrow(RangeError);
    expect(() => formatApiKey('Gs', HEX64.toUpperCase())).toThrow(RangeError);
  });

  it('rejects malformed keys', () => {
    for (const bad of [
      '',
      HEX64,
      `chv__${HEX64}`,
      `chv_Gs${HEX64}`,
      `chv_Gs_${'ab'.repeat(31)}a`,
      `chv_Gs_${'a'.repeat(129)}`,
      `chv_Gs_${HEX64.toUpperCase()}`,
      `CHV_Gs_${HEX64}`,
      `chv_G-s_${HEX64}`,
      `chv_Gs_${HEX64} `,
      `chv_Gs_${HEX64}\n`,
      `chv_Gs_${HEX64}g`,
    ]) {
      expect(parseApiKey(bad), bad).toBeNull();
    }
    expect(parseApiKey(`chv_Gs_${'a'.repeat(128)}`)).not.toBeNull();
  });
});

describe('isDeleteSecret', () => {
  it('accepts exactly 48 lowercase hex characters', () => {
    expect(isDeleteSecret('e8'.repeat(24))).toBe(true);
    expect(isDeleteSecret('e8'.repeat(23))).toBe(false);
    expect(isDeleteSecret('e8'.repeat(25))).toBe(false);
    expect(isDeleteSecret('E8'.repeat(24))).toBe(false);
    expect(isDeleteSecret('e8'.repeat(24) + '\n')).toBe(false);
    expect(isDeleteSecret('')).toBe(false);
  });
});
