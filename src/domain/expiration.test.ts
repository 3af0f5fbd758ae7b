import { describe, it, expect } from 'vitest';
import {
  DEFAULT_EXPIRATION_BOUNDS,
  ExpirationError,
  computeExpirationDate,
  parseExpiration,
} from './expiration.js';

const B = DEFAULT_EXPIRATION_BOUNDS;
const secs = (v: string | number): number => parseExpiration(v, B).seconds;

describe('parseExpiration', () => {
  it('accepts whole seconds as number or digit string', () => {
    expect(secs(3600)).toBe(3600);
    expect(secs('3600')).toBe(3600);
    expect(secs(' 600 ')).toBe(600);
  });

  it('parses ISO-8601 durations', () => {
    expect(secs('PT5M')).toBe(300);
    expect(secs('PT1H')).toBe(3600);
    expect(secs('P3D')).toBe(3 * 86400);
    expect(secs('P1DT12H')).toBe(36 * 3600);
    expect(secs('P1W')).toBe(7 * 86400);
    expect(secs('P1M')).toBe(30 * 86400);
    expect(secs('P1Y')).toBe(365 * 86400);
    expect(secs('PT1H30M15S')).toBe(5415);
    expect(secs('pt10m')).toBe(600);
    expect(secs('p1dt1h')).toBe(90000);
  });

  it('allows a fraction on the last component only', () => {
    expect(secs('PT1.5H')).toBe(5400);
    expect(secs('PT1,5H')).toBe(5400);
    expect(secs('P1DT0.5H')).toBe(86400 + 1800);
    expect(() => secs('PT1.5H30M')).toThrow(ExpirationError);
  });

  it('clamps into the bounds', () => {
    expect(secs(0)).toBe(300);
    expect(secs('PT1M')).toBe(300);
    expect(secs('P2Y')).toBe(365 * 86400);
    expect(secs('99999999999999999999999')).toBe(365 * 86400);
    expect(parseExpiration('PT1M', { minSeconds: 10, maxSeconds: 100 }).seconds).toBe(60);
    expect(parseExpiration('PT1H', { minSeconds: 10, maxSeconds: 100 }).seconds).toBe(100);
  });

  it('rejects unparsable input', () => {
    for (const bad of ['', '   ', 'garbage', '-5', '5.5', 'P', 'PT', 'P1DT', 'P1H', 'PT1D', '1D', 'P-1D', 'P1D extra', 'PT5M5M']) {
      expect(() => secs(bad), bad).toThrow(ExpirationError);
    }
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => secs(bad), String(bad)).toThrow(ExpirationError);
    }
  });

  it('throws an Error subclass with a useful name', () => {
    try {
      secs('nope');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(ExpirationError);
      expect((e as Error).name).toBe('ExpirationError');
    }
  });
});

describe('computeExpirationDate', () => {
  it('adds seconds to now', () => {
    const now = new Date('2024-10-10T12:00:00Z');
    expect(computeExpirationDate(now, 300).toISOString()).toBe('2024-10-10T12:05:00.000Z');
    expect(computeExpirationDate(now, 86400).toISOString()).toBe('2024-10-11T12:00:00.000Z');
  });
});
