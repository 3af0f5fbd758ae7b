import { codePointSlice } from './text.js';

/** Source of random bytes, injected so tests are deterministic (production: crypto.randomBytes). */
export type RandomBytes = (n: number) => Buffer;

export const MAX_NAME_LENGTH = 200;
const MIXED_SUFFIX_HEX = 16;
export const MAX_TITLE_CODE_POINTS = 100;

// Derivative markers: a main file named like one would collide with another image's
// thumb/medium/frame. `.or` is the original's marker in the chain (§2.2), so it goes too.
const DERIVATIVE_SUFFIX = /\.(?:th|md|fr|or|original|lg)$/i;

// Latin letters that NFKD does not decompose into base letter + combining mark.
const LATIN_EXTRA: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D',
  ð: 'd', Ð: 'D', þ: 'th', Þ: 'TH', ł: 'l', Ł: 'L', ı: 'i', ħ: 'h', Ħ: 'H', ŋ: 'n', Ŋ: 'N',
};

/** Last path segment, whichever separator the client's OS used. */
export function baseFileName(name: string): string {
  const parts = name.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/** Filename without its final extension; a leading-dot name such as `.png` has no stem. */
export function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

/**
 * Storage-safe base name from the client's filename (SPEC §3.2). Returns '' when nothing
 * usable is left (e.g. a Chinese filename); the caller then falls back to `randomName`.
 */
export function cleanBaseName(clientFileName: string | null): string {
  if (clientFileName === null) return '';
  let s = stripExtension(baseFileName(clientFileName));
  s = transliterate(s);
  s = s.replace(/\s+/g, '-');
  s = s.replace(/[^A-Za-z0-9_.-]/g, '');
  s = s.replace(/-{2,}/g, '-');
  s = tidy(s);
  s = tidy(s.slice(0, MAX_NAME_LENGTH));
  return s;
}

/** 32 lowercase hex characters. */
export function randomName(bytes: RandomBytes): string {
  return hex(bytes, 32);
}

/** Cleaned base (shortened so the whole stays within 200) followed by 16 random hex characters. */
export function mixedName(base: string, bytes: RandomBytes): string {
  return base.slice(0, MAX_NAME_LENGTH - MIXED_SUFFIX_HEX) + hex(bytes, MIXED_SUFFIX_HEX);
}

/**
 * Title derived from the original filename (SPEC §2.1 `title`, third priority): separators
 * become single spaces so `my_holiday-photo.jpg` reads as `my holiday photo`.
 */
export function titleFromFileName(name: string | null): string | null {
  if (name === null) return null;
  const s = stripExtension(baseFileName(name)).replace(/[-_\s]+/g, ' ').trim();
  if (s === '') return null;
  const t = truncateTitle(s).trimEnd();
  return t === '' ? null : t;
}

export function truncateTitle(s: string, max = MAX_TITLE_CODE_POINTS): string {
  return codePointSlice(s, max);
}

function transliterate(s: string): string {
  return s
    .replace(/[ßẞæÆœŒøØđĐðÐþÞłŁıħĦŋŊ]/g, (c) => LATIN_EXTRA[c] ?? '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

// Trimming can expose a derivative suffix ("x.th-" → "x.th") and stripping one can expose
// an edge "-"/".", so repeat until stable.
function tidy(s: string): string {
  let prev: string;
  do {
    prev = s;
    s = s.replace(/^[-.]+|[-.]+$/g, '').replace(DERIVATIVE_SUFFIX, '');
  } while (s !== prev);
  return s;
}

function hex(bytes: RandomBytes, chars: number): string {
  const out = bytes(chars / 2).toString('hex').toLowerCase();
  if (out.length !== chars) throw new Error(`random source returned ${out.length / 2} bytes, wanted ${chars / 2}`);
  return out;
}
