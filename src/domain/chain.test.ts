import { describe, it, expect } from 'vitest';
import { CHAIN, chainOf, chainParts, hasInChain } from './chain.js';

describe('chain', () => {
  it('produces the spec typical values', () => {
    expect(chainOf({ frame: false, image: true, medium: false, thumb: true })).toBe(5);
    expect(chainOf({ frame: false, image: true, medium: true, thumb: true })).toBe(7);
    expect(chainOf({ frame: true, image: true, medium: false, thumb: true })).toBe(21);
    expect(chainOf({ frame: true, image: true, medium: true, thumb: true })).toBe(23);
    expect(chainOf({ frame: false, image: false, medium: false, thumb: false })).toBe(0);
    expect(chainOf({ frame: true, image: true, medium: true, thumb: true, original: true })).toBe(31);
  });

  it('tests membership', () => {
    expect(hasInChain(21, 'frame')).toBe(true);
    expect(hasInChain(21, 'image')).toBe(true);
    expect(hasInChain(21, 'thumb')).toBe(true);
    expect(hasInChain(21, 'medium')).toBe(false);
    expect(hasInChain(21, 'original')).toBe(false);
    expect(hasInChain(5, 'medium')).toBe(false);
    expect(CHAIN.original).toBe(8);
  });

  it('lists parts in chain order', () => {
    expect(chainParts(23)).toEqual(['frame', 'image', 'medium', 'thumb']);
    expect(chainParts(5)).toEqual(['image', 'thumb']);
    expect(chainParts(0)).toEqual([]);
  });
});
