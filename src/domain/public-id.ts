import { createHash } from 'node:crypto';

const BASE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE = 62n;
// A canonical id is at most 11 symbols (62^11 > MAX_SAFE_INTEGER × 999); longer input can
// only be padded with leading zero-symbols, so a generous cap bounds BigInt work on hostile paths.
const MAX_INPUT_LENGTH = 64;

export interface PublicIdOptions {
  salt: string;
  /** Multiplier applied before encoding; 0 means "no padding" (Chevereto 2 migrations). */
  padding: number;
}

/**
 * Chevereto-compatible public ids (SPEC §2.3): base 62 over a salt-shuffled alphabet, so a
 * database imported from Chevereto keeps its URLs when given the same salt and padding.
 */
export class PublicIdCodec {
  readonly alphabet: string;
  private readonly padding: bigint;
  private readonly index: ReadonlyMap<string, number>;

  constructor(options: PublicIdOptions) {
    if (!Number.isSafeInteger(options.padding) || options.padding < 0) {
      throw new RangeError(`padding must be a non-negative integer, got ${options.padding}`);
    }
    this.alphabet = workingAlphabet(options.salt);
    this.padding = BigInt(options.padding === 0 ? 1 : options.padding);
    this.index = new Map([...this.alphabet].map((ch, i) => [ch, i]));
  }

  encode(id: number): string {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new RangeError(`id must be a non-negative safe integer, got ${id}`);
    }
    let value = BigInt(id) * this.padding;
    let out = '';
    while (value > 0n) {
      out = this.symbol(Number(value % BASE)) + out;
      value /= BASE;
    }
    return out;
  }

  /**
   * Non-canonical strings still decode (Chevereto does this and redirects to the canonical
   * path); unlike Chevereto, an unknown symbol rejects the whole string instead of counting as 0.
   */
  decode(s: string): number | null {
    if (s.length === 0 || s.length > MAX_INPUT_LENGTH) return null;
    let sum = 0n;
    for (const ch of s) {
      const digit = this.index.get(ch);
      if (digit === undefined) return null;
      sum = sum * BASE + BigInt(digit);
    }
    const id = sum / this.padding;
    if (id <= 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    return Number(id);
  }

  isCanonical(s: string): boolean {
    const id = this.decode(s);
    return id !== null && this.encode(id) === s;
  }

  private symbol(digit: number): string {
    const ch = this.alphabet[digit];
    if (ch === undefined) throw new Error(`digit ${digit} outside alphabet`);
    return ch;
  }
}

export function workingAlphabet(salt: string): string {
  const hash = createHash('sha256').update(salt, 'utf8').digest('hex');
  const pairs = [...BASE_ALPHABET].map((ch, i) => ({ ch, hex: hash[i] ?? '' }));
  pairs.sort((a, b) => {
    if (a.hex !== b.hex) return a.hex < b.hex ? 1 : -1;
    // Plain code-unit comparison gives the byte order the spec asks for (0-9 < A-Z < a-z).
    return a.ch < b.ch ? -1 : a.ch > b.ch ? 1 : 0;
  });
  return pairs.map((p) => p.ch).join('');
}
