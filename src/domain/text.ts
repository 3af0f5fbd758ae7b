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

/** C0 controls, DEL and C1 controls (NUL included: PostgreSQL refuses it in text). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi embeddings, overrides and isolates: what makes `invoice\u202Egpj.exe` read as `invoiceexe.jpg`. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Client text for one line (titles): well-formed, tabs and line breaks turned into spaces, control
 * characters removed, so nothing invisible reaches the database, the answers or a page.
 */
export function singleLineText(s: string): string {
  return toWellFormed(s).replace(/[\t\r\n]+/g, ' ').replace(CONTROL, '');
}

/** Client text that may span lines (descriptions): line breaks become `\n`, other controls go. */
export function multiLineText(s: string): string {
  return toWellFormed(s).replace(/\r\n?/g, '\n').replace(CONTROL_BUT_TAB_AND_NEWLINE, '');
}

/** A client's file name as we keep it: one line, no bidi controls, at most `max` code points. */
export function cleanClientFileName(s: string, max = 255): string {
  return codePointSlice(singleLineText(s).replace(BIDI_CONTROLS, ''), max).trim();
}
