import { describe, it, expect } from 'vitest';
import { viewerSlug } from './slug.js';

describe('viewerSlug', () => {
  it('follows the spec examples', () => {
    expect(viewerSlug('Badgers animated music video MrWeebl')).toBe('Badgers-animated-music-video-MrWeebl');
    expect(viewerSlug('测试')).toBe('%E6%B5%8B%E8%AF%95');
  });

  it('is empty for null or blank titles', () => {
    expect(viewerSlug(null)).toBe('');
    expect(viewerSlug('')).toBe('');
    expect(viewerSlug('  - -- ')).toBe('');
    expect(viewerSlug('?!&')).toBe('');
  });

  it('removes the listed characters and collapses separators', () => {
    expect(viewerSlug(`What's "this"? A/B\\C ~ & !`)).toBe('Whats-this-ABC');
    expect(viewerSlug('  a --  b\t\n c-  ')).toBe('a-b-c');
  });

  it('strips HTML tags but keeps a literal <', () => {
    expect(viewerSlug('<b>Bold</b> title')).toBe('Bold-title');
    expect(viewerSlug('line<br/>break')).toBe('line-break');
    expect(viewerSlug('a < b')).toBe('a-%3C-b');
  });

  it('keeps dots and percent-encodes RFC 3986 reserved characters', () => {
    expect(viewerSlug('v1.2 release')).toBe('v1.2-release');
    expect(viewerSlug('fn(x) * 2')).toBe('fn%28x%29-%2A-2');
    expect(viewerSlug('100% real')).toBe('100%25-real');
    expect(viewerSlug('café')).toBe('caf%C3%A9');
  });

  it('caps the slug at 100 code points before encoding', () => {
    const long = 'word '.repeat(50);
    const slug = viewerSlug(long);
    expect(slug.length).toBeLessThanOrEqual(100);
    expect(slug.endsWith('-')).toBe(false);
    const cjk = viewerSlug('测'.repeat(150));
    expect(decodeURIComponent(cjk)).toBe('测'.repeat(100));
    expect(decodeURIComponent(viewerSlug('😀'.repeat(120)))).toBe('😀'.repeat(100));
  });
});
