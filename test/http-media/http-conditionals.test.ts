import { describe, expect, it } from 'vitest';
import {
  decideRange,
  ifNoneMatchMatches,
  ifRangeMatches,
  notModifiedSince,
  validatorsFor,
} from '../../src/http/media/http-conditionals.js';
import { contentTypeForKey } from '../../src/http/media/media-types.js';
import { SmallFileCache } from '../../src/http/media/small-file-cache.js';

describe('decideRange', () => {
  it.each([
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-200', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=10-', 100, { kind: 'partial', start: 10, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['BYTES = 5-5', 100, { kind: 'partial', start: 5, end: 5 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=100-200', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['bytes=9-1', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
    ['bytes=a-b', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['0-1', 100, { kind: 'full' }],
    [`bytes=${'9'.repeat(400)}-`, 100, { kind: 'unsatisfiable' }],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(decideRange(header, size)).toEqual(expected);
  });
});

describe('validators', () => {
  const v = validatorsFor({ size: 255, mtimeMs: 1_700_000_000_123.7 });

  it('builds a strong ETag from size and mtime', () => {
    expect(v.etag).toBe(`"ff-${Math.floor(1_700_000_000_123.7).toString(16)}"`);
    expect(v.lastModified).toBe(new Date(1_700_000_000_000).toUTCString());
  });

  it('compares If-None-Match weakly, with lists and *', () => {
    expect(ifNoneMatchMatches(v.etag, v.etag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${v.etag}`, v.etag)).toBe(true);
    expect(ifNoneMatchMatches(`"a", W/"b", ${v.etag}`, v.etag)).toBe(true);
    expect(ifNoneMatchMatches('*', v.etag)).toBe(true);
    expect(ifNoneMatchMatches('"other"', v.etag)).toBe(false);
  });

  it('checks If-Modified-Since at second precision', () => {
    expect(notModifiedSince(v.lastModified, v.lastModifiedSeconds)).toBe(true);
    expect(notModifiedSince(new Date(1_699_999_999_000).toUTCString(), v.lastModifiedSeconds)).toBe(false);
    expect(notModifiedSince('not a date', v.lastModifiedSeconds)).toBe(false);
  });

  it('compares If-Range strongly', () => {
    expect(ifRangeMatches(v.etag, v)).toBe(true);
    expect(ifRangeMatches(`W/${v.etag}`, v)).toBe(false);
    expect(ifRangeMatches(v.lastModified, v)).toBe(true);
    expect(ifRangeMatches(new Date(1_600_000_000_000).toUTCString(), v)).toBe(false);
  });
});

describe('contentTypeForKey', () => {
  it.each([
    ['2024/01/01/a.JPG', 'image/jpeg'],
    ['2024/01/01/a.th.webp', 'image/webp'],
    ['2024/01/01/a.mov', 'video/quicktime'],
    ['2024/01/01/a.svg', undefined],
    ['2024/01/01/a.html', undefined],
    ['2024/01/01/jpg', undefined],
  ])('%s → %s', (key, type) => {
    expect(contentTypeForKey(key)).toBe(type);
  });
});

describe('SmallFileCache', () => {
  const v1 = { size: 4, mtimeMs: 1 };

  it('misses when the file version changed', () => {
    const cache = new SmallFileCache({ budgetBytes: 100, maxEntryBytes: 10 });
    cache.set('k', v1, Buffer.from('abcd'));
    expect(cache.get('k', v1)?.toString()).toBe('abcd');
    expect(cache.get('k', { size: 4, mtimeMs: 2 })).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used within its budget', () => {
    const cache = new SmallFileCache({ budgetBytes: 8, maxEntryBytes: 4 });
    cache.set('a', v1, Buffer.from('aaaa'));
    cache.set('b', v1, Buffer.from('bbbb'));
    cache.get('a', v1);
    cache.set('c', v1, Buffer.from('cccc'));
    expect(cache.get('b', v1)).toBeUndefined();
    expect(cache.get('a', v1)).toBeDefined();
    expect(cache.get('c', v1)).toBeDefined();
    expect(cache.bytes).toBe(8);
  });

  it('refuses files over the per-file limit or with a mismatched length', () => {
    const cache = new SmallFileCache({ budgetBytes: 100, maxEntryBytes: 3 });
    cache.set('big', v1, Buffer.from('abcd'));
    cache.set('torn', { size: 3, mtimeMs: 1 }, Buffer.from('ab'));
    expect(cache.size).toBe(0);
  });
});
