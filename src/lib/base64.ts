export interface Base64Options {
  /**
   * True when the value came from an application/x-www-form-urlencoded body, where an unescaped `+`
   * has already been turned into a space by the time we see it.
   */
  readonly spaceIsPlus: boolean;
}

const DATA_URI_PREFIX = /^\s*data:[^,]*?;base64,/i;
const DATA_URI_ANY = /^\s*data:/i;
const ALPHABET_ONLY = /^[A-Za-z0-9+/]*$/;

/**
 * Decodes base64 the way clients actually send it (SPEC-API A4): with or without a `data:` prefix,
 * standard or URL-safe alphabet, padded or not, wrapped in lines. Returns null when the text cannot
 * be base64 at all; returns an empty buffer when nothing but decoration was sent, so the caller can
 * tell "empty" from "invalid".
 */
export function decodeLenientBase64(input: string, options: Base64Options): Buffer | null {
  let text = input;
  const prefix = DATA_URI_PREFIX.exec(text);
  if (prefix) {
    text = text.slice(prefix[0].length);
  } else if (DATA_URI_ANY.test(text)) {
    // A data: URI without ;base64 carries percent-encoded text, not base64.
    return null;
  }

  if (options.spaceIsPlus) text = text.replaceAll(' ', '+');
  text = text.replace(/\s+/g, '').replaceAll('-', '+').replaceAll('_', '/');

  // Accept correct, short or missing padding; more than two `=` means the text is not base64.
  const padding = /={1,2}$/.exec(text);
  if (padding) text = text.slice(0, -padding[0].length);
  if (!ALPHABET_ONLY.test(text)) return null;
  if (text.length % 4 === 1) return null;

  return Buffer.from(text, 'base64');
}
