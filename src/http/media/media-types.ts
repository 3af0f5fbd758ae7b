/**
 * The only types the media route will ever label a response with. Anything else (html, svg, xml,
 * text) is refused outright, so a file that lands in the store by accident can never run script
 * in our origin.
 */
const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['png', 'image/png'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['avif', 'image/avif'],
  ['mp4', 'video/mp4'],
  ['mov', 'video/quicktime'],
  ['webm', 'video/webm'],
]);

export function contentTypeForKey(key: string): string | undefined {
  const dot = key.lastIndexOf('.');
  if (dot < 0 || dot < key.lastIndexOf('/')) return undefined;
  return CONTENT_TYPES.get(key.slice(dot + 1).toLowerCase());
}
