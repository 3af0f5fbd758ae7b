import { describe, it, expect } from 'vitest';
import { PublicIdCodec, workingAlphabet } from './public-id.js';

// These vectors are the spec's "unverified illustration"; an independent reading of the
// algorithm (sha256 pairing, hex desc / char asc) reproduces them exactly.
const SPEC_ALPHABET = 'FYyQz7hsZjtdITe4GL39AKNOSXp2Bcu5DUiqw16MRb0WkloCgrvPV8mxEHJafn';

describe('workingAlphabet', () => {
  it('matches the spec vector for salt "changeme"', () => {
    expect(workingAlphabet('changeme')).toBe(SPEC_ALPHABET);
  });

  it('is a permutation of the 62-symbol base alphabet', () => {
    const a = workingAlphabet('a1b2c3d4');
    expect(a).toHaveLength(62);
    expect(new Set(a).size).toBe(62);
    expect([...a].sort().join('')).toBe(
      [...'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].sort().join(''),
    );
  });
});

describe('PublicIdCodec', () => {
  const codec = new PublicIdCodec({ salt: 'changeme', padding: 999 });

  it('encodes the spec vectors', () => {
    expect(codec.encode(1)).toBe('Gs');
    expect(codec.encode(1000)).toBe('zdmE');
    expect(codec.decode('Gs')).toBe(1);
    expect(codec.decode('zdmE')).toBe(1000);
  });

  it('encodes 0 as the empty string and rejects bad ids', () => {
    expect(codec.encode(0)).toBe('');
    expect(() => codec.encode(-1)).toThrow(RangeError);
    expect(() => codec.encode(1.5)).toThrow(RangeError);
    expect(() => codec.encode(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('returns null for empty, unknown symbols, zero and oversize values', () => {
    expect(codec.decode('')).toBeNull();
    expect(codec.decode('G-s')).toBeNull();
    expect(codec.decode('Gs!')).toBeNull();
    // "F" is digit 0 and "Y" is digit 1: below one padding unit, so id 0.
    expect(codec.decode('F')).toBeNull();
    expect(codec.decode('Y')).toBeNull();
    expect(codec.decode('n'.repeat(20))).toBeNull();
    expect(codec.decode('G'.repeat(100))).toBeNull();
  });

  it('decodes non-canonical strings but flags them', () => {
    // A leading zero-symbol and an off-by-one last digit still land on id 1.
    expect(codec.decode('FGs')).toBe(1);
    const next = codec.alphabet[codec.alphabet.indexOf('s') + 1] ?? '';
    expect(codec.decode('G' + next)).toBe(1);
    expect(codec.isCanonical('Gs')).toBe(true);
    expect(codec.isCanonical('FGs')).toBe(false);
    expect(codec.isCanonical('G' + next)).toBe(false);
    expect(codec.isCanonical('')).toBe(false);
    expect(codec.isCanonical('??')).toBe(false);
  });

  it('treats padding 0 as no multiplier', () => {
    const raw = new PublicIdCodec({ salt: 'changeme', padding: 0 });
    expect(raw.encode(1)).toBe(SPEC_ALPHABET[1]);
    expect(raw.encode(62)).toBe((SPEC_ALPHABET[1] ?? '') + SPEC_ALPHABET[0]);
    expect(raw.decode(raw.encode(123456))).toBe(123456);
  });

  it('rejects invalid padding', () => {
    expect(() => new PublicIdCodec({ salt: 'x', padding: -1 })).toThrow(RangeError);
    expect(() => new PublicIdCodec({ salt: 'x', padding: 0.5 })).toThrow(RangeError);
  });

  it('round-trips many ids with several salts and paddings', () => {
    const codecs = [
      codec,
      new PublicIdCodec({ salt: '1f3a9c0e', padding: 999 }),
      new PublicIdCodec({ salt: 'other', padding: 0 }),
      new PublicIdCodec({ salt: '', padding: 7 }),
    ];
    // Deterministic LCG so failures reproduce.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const ids: number[] = [];
    for (let i = 1; i <= 2000; i++) ids.push(i);
    for (let i = 0; i < 2000; i++) ids.push(1 + ((next() * 65536 + next()) % 1e12));
    ids.push(61, 62, 63, 3844, 238328, 2 ** 31, 2 ** 32);
    for (const c of codecs) {
      for (const id of ids) {
        const s = c.encode(id);
        expect(c.decode(s)).toBe(id);
        expect(c.isCanonical(s)).toBe(true);
      }
    }
    const unpadded = codecs[2];
    expect(unpadded?.decode(unpadded.encode(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });
});
