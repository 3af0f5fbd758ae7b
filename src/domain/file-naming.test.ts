import { describe, it, expect } from 'vitest';
import {
  cleanBaseName,
  mixedName,
  randomName,
  titleFromFileName,
  truncateTitle,
  type RandomBytes,
} from './file-naming.js';

const fixedBytes: RandomBytes = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 171) & 0xff));

describe('cleanBaseName', () => {
  it('strips directories and the extension', () => {
    expect(cleanBaseName('photo.jpg')).toBe('photo');
    expect(cleanBaseName('/home/u/pics/photo.jpg')).toBe('photo');
    expect(cleanBaseName('C:\\Users\\u\\photo.final.png')).toBe('photo.final');
    expect(cleanBaseName('noext')).toBe('noext');
  });

  it('strips derivative suffixes, repeatedly', () => {
    expect(cleanBaseName('x.th.png')).toBe('x');
    expect(cleanBaseName('x.md.jpg')).toBe('x');
    expect(cleanBaseName('x.fr.jpeg')).toBe('x');
    expect(cleanBaseName('x.original.gif')).toBe('x');
    expect(cleanBaseName('x.lg.webp')).toBe('x');
    expect(cleanBaseName('x.th.md.png')).toBe('x');
    expect(cleanBaseName('x.TH.png')).toBe('x');
    expect(cleanBaseName('x.th .png')).toBe('x');
    expect(cleanBaseName('math.png')).toBe('math');
  });

  it('transliterates accented Latin', () => {
    expect(cleanBaseName('Café déjà vu.jpg')).toBe('Cafe-deja-vu');
    expect(cleanBaseName('Straße Ærø Łódź.png')).toBe('Strasse-AEro-Lodz');
  });

  it('replaces whitespace and drops disallowed characters', () => {
    expect(cleanBaseName('Badgers _ animated music video _ MrWeebl.mp4')).toBe('Badgers-_-animated-music-video-_-MrWeebl');
    expect(cleanBaseName('a  -- b!@#$%^&*()c.png')).toBe('a-bc');
    expect(cleanBaseName('  -.hidden-.  .png')).toBe('hidden');
  });

  it('returns empty when nothing usable is left', () => {
    expect(cleanBaseName(null)).toBe('');
    expect(cleanBaseName('')).toBe('');
    expect(cleanBaseName('测试.png')).toBe('');
    expect(cleanBaseName('.png')).toBe('');
    expect(cleanBaseName('---.jpg')).toBe('');
    expect(cleanBaseName('dir/')).toBe('');
  });

  it('caps at 200 characters without a ragged edge', () => {
    expect(cleanBaseName('a'.repeat(300) + '.png')).toBe('a'.repeat(200));
    const edge = 'a'.repeat(199) + '-bbb.png';
    expect(cleanBaseName(edge)).toBe('a'.repeat(199));
  });
});

describe('randomName / mixedName', () => {
  it('makes 32 lowercase hex characters', () => {
    const name = randomName(fixedBytes);
    expect(name).toMatch(/^[0-9a-f]{32}$/);
    expect(name).toBe(fixedBytes(16).toString('hex'));
  });

  it('appends 16 hex characters to the base', () => {
    expect(mixedName('photo', fixedBytes)).toBe('photo' + fixedBytes(8).toString('hex'));
    const long = mixedName('b'.repeat(200), fixedBytes);
    expect(long).toHaveLength(200);
    expect(long.startsWith('b'.repeat(184))).toBe(true);
    expect(mixedName('', fixedBytes)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a short random source', () => {
    expect(() => randomName(() => Buffer.alloc(4))).toThrow();
  });
});

describe('titleFromFileName', () => {
  it('derives a readable title', () => {
    expect(titleFromFileName('Badgers _ animated music video _ MrWeebl.mp4')).toBe('Badgers animated music video MrWeebl');
    expect(titleFromFileName('my_holiday--photo.jpg')).toBe('my holiday photo');
    expect(titleFromFileName('测试.png')).toBe('测试');
    expect(titleFromFileName('noext')).toBe('noext');
  });

  it('is null when empty', () => {
    expect(titleFromFileName(null)).toBeNull();
    expect(titleFromFileName('')).toBeNull();
    expect(titleFromFileName('.png')).toBeNull();
    expect(titleFromFileName('__-- .jpg')).toBeNull();
  });

  it('truncates to 100 code points', () => {
    expect(titleFromFileName('😀'.repeat(150) + '.png')).toBe('😀'.repeat(100));
    expect(titleFromFileName('a'.repeat(99) + ' b.png')).toBe('a'.repeat(99));
  });
});

describe('truncateTitle', () => {
  it('cuts by code points', () => {
    expect(truncateTitle('abc', 2)).toBe('ab');
    expect(truncateTitle('测试测试', 3)).toBe('测试测');
    expect(truncateTitle('x'.repeat(120))).toHaveLength(100);
    expect(truncateTitle('short')).toBe('short');
  });
});
