import { codePointLength, encodeRfc3986, toWellFormed } from './text.js';

export const MAX_TAG_CODE_POINTS = 32;

/**
 * Tag list from a comma-separated string (SPEC §3.14). Invalid tags are dropped silently,
 * as Chevereto does, so one bad tag never fails an upload. `maxTags` 0 means unlimited.
 */
export function parseTags(input: string, maxTags = 0): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // NFC first so a precomposed and a decomposed "é" are the same tag.
  const pieces = toWellFormed(input).normalize('NFC').replace(/\s+/g, ' ').split(',');
  for (const piece of pieces) {
    const tag = piece.trim();
    if (!isValidTag(tag)) continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
    if (maxTags > 0 && out.length >= maxTags) break;
  }
  return out;
}

export function isValidTag(tag: string): boolean {
  if (tag === '' || codePointLength(tag) > MAX_TAG_CODE_POINTS) return false;
  // `/` and `#` would break the `/tag/{name}` route; `,` is the list separator.
  if (/[,/#]/.test(tag)) return false;
  if (/\p{Cc}/u.test(tag)) return false;
  // One punctuation character, alone or repeated ("...", "!!", "-", "++"), says nothing.
  // Other symbols are left alone so an emoji tag such as "😀" stays usable.
  if (/^([\p{P}$+<=>^`|~])\1*$/u.test(tag)) return false;
  return true;
}

/** Path segment for `/tag/{url_key}`. */
export function tagUrlKey(name: string): string {
  return encodeURIComponent(toWellFormed(name));
}

/** Stricter RFC 3986 form, in case a caller wants `!'()*` escaped as well. */
export function tagUrlKeyRfc3986(name: string): string {
  return encodeRfc3986(name);
}
