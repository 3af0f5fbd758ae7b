/**
 * Code-point aware string helpers. Chevereto counts characters with mb_* functions, so
 * "100 characters" means code points, not UTF-16 units; cutting by `.length` could also
 * split a surrogate pair and leave a string that encodeURIComponent refuses.
 */

export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function codePointSlice(s: string, max: number): string {
  if (max <= 0) return '';
  // Fast path: a string no longer than `max` UTF-16 units cannot exceed `max` code points.
  if (s.length <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n >= max) break;
    out += ch;
    n++;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates with U+FFFD (String#toWellFormed is not in our ES2023 lib). */
export function toWellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** RFC 3986 percent-encoding: encodeURIComponent leaves `!'()*` alone, RFC 3986 reserves them. */
export function encodeRfc3986(s: string): string {
  return encodeURIComponent(toWellFormed(s)).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}
