export type TextSourceKind = 'url' | 'base64';

const DATA_URI = /^\s*data:/i;
const HAS_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Decides whether a text `source` is a URL or base64 (SPEC-API §1.5 step 3). A data: URI is base64 by
 * intent. Anything written `scheme://…` counts as a URL even when it has no host (`file:///…`), so that
 * clients get "Invalid image URL" rather than a puzzling base64 error; base64 can never contain `:`,
 * so this never steals a real base64 payload.
 */
export function classifyTextSource(source: string): TextSourceKind {
  if (DATA_URI.test(source)) return 'base64';
  const text = source.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return 'base64';
  }
  if (parsed.hostname !== '' || HAS_AUTHORITY.test(text)) return 'url';
  return 'base64';
}
