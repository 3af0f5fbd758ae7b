const mimeByExtension: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

/** MIME type of a stored file, decided by its extension as Chevereto does (SPEC-API §2.1 `mime`). */
export function mimeForExtension(extension: string): string {
  return mimeByExtension[extension.toLowerCase()] ?? 'application/octet-stream';
}
