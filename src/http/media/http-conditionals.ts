/**
 * Pure helpers for HTTP validators and byte ranges (RFC 9110 §8.8, §13, §14), kept apart from the
 * route so each rule can be tested without a server.
 */

export interface Validators {
  /** Strong: stored files never change in place, so size + mtime identify one representation. */
  readonly etag: string;
  /** Whole seconds since the epoch, the precision HTTP dates carry. */
  readonly lastModifiedSeconds: number;
  readonly lastModified: string;
}

export function validatorsFor(stat: { size: number; mtimeMs: number }): Validators {
  const mtime = Math.floor(stat.mtimeMs);
  const seconds = Math.floor(mtime / 1000);
  return {
    etag: `"${stat.size.toString(16)}-${mtime.toString(16)}"`,
    lastModifiedSeconds: seconds,
    lastModified: new Date(seconds * 1000).toUTCString(),
  };
}

const ENTITY_TAG = /(?:W\/)?("[^"]*")/g;

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"`. */
export function ifNoneMatchMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const match of header.matchAll(ENTITY_TAG)) {
    if (match[1] === opaque) return true;
  }
  return false;
}

/** True when the client's copy is current; an unparsable date is ignored as the RFC requires. */
export function notModifiedSince(header: string, lastModifiedSeconds: number): boolean {
  const since = Date.parse(header);
  return Number.isFinite(since) && lastModifiedSeconds <= Math.floor(since / 1000);
}

/**
 * If-Range uses the strong comparison, so a weak tag never matches; a date matches only when it is
 * exactly our Last-Modified.
 */
export function ifRangeMatches(header: string, validators: Validators): boolean {
  const value = header.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return value === validators.etag;
  const date = Date.parse(value);
  return Number.isFinite(date) && date === validators.lastModifiedSeconds * 1000;
}

export type RangeDecision =
  /** Serve the whole representation (no Range, an invalid one, or several ranges). */
  | { readonly kind: 'full' }
  | { readonly kind: 'unsatisfiable' }
  /** Inclusive bounds. */
  | { readonly kind: 'partial'; readonly start: number; readonly end: number };

const FULL: RangeDecision = { kind: 'full' };
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' };
const SINGLE_RANGE = /^(\d*)-(\d*)$/;

/**
 * Reads a Range header against a representation of `size` bytes. Multiple ranges are answered
 * with the full body (allowed by RFC 9110 §14.2): multipart/byteranges buys nothing for media
 * players and costs a second code path.
 */
export function decideRange(header: string, size: number): RangeDecision {
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return FULL;
  const spec = header.slice(eq + 1).trim();
  if (spec.includes(',')) return FULL;
  const match = SINGLE_RANGE.exec(spec);
  if (!match) return FULL;
  const first = match[1] ?? '';
  const last = match[2] ?? '';
  if (first === '') {
    if (last === '') return FULL;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return FULL;
  if (start >= size) return UNSATISFIABLE;
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'partial', start, end };
}
