import { fileTypeFromFile } from 'file-type';
import type { DetectedType } from '../ports/media.js';
import { readBmpHeader } from './bmp.js';
import { readFileHead } from './file-head.js';

const HEAD_BYTES = 512;

/** ISO-BMFF compatible brands from the leading `ftyp` box. */
function ftypBrands(head: Buffer): string[] {
  if (head.length < 16 || head.toString('latin1', 4, 8) !== 'ftyp') return [];
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString('latin1', 8, 12)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(head.toString('latin1', offset, offset + 4));
  return brands;
}

/**
 * Detects what a file is from its bytes only (SPEC-API A6): never from a client's MIME type or file
 * name. Anything outside the accepted formats (SVG, PDF, HTML, text, HEIC, TIFF, Matroska, 3GP…) is null.
 */
export async function detectMediaType(path: string): Promise<DetectedType | null> {
  const found = await fileTypeFromFile(path);
  if (found === undefined) return null;
  switch (found.ext) {
    case 'jpg':
      return { kind: 'image', format: 'jpeg' };
    case 'png':
    case 'apng':
      return { kind: 'image', format: 'png' };
    case 'gif':
      return { kind: 'image', format: 'gif' };
    case 'webp':
      return { kind: 'image', format: 'webp' };
    case 'avif':
      return { kind: 'image', format: 'avif' };
    case 'heic': {
      // Some encoders write AVIF under the generic HEIF major brand `mif1`; the compatible brands tell.
      const brands = ftypBrands(await readFileHead(path, HEAD_BYTES));
      return brands.includes('avif') ? { kind: 'image', format: 'avif' } : null;
    }
    case 'bmp':
      // "BM" alone is a weak signature (plenty of text starts with it); require a sane header too.
      return readBmpHeader(await readFileHead(path, HEAD_BYTES)) ? { kind: 'image', format: 'bmp' } : null;
    case 'mp4':
    case 'm4v':
      // file-type reports every ISO-BMFF brand it has no special case for (isom, mp41, mp42, avc1,
      // iso2…, dash) as mp4; m4v is Apple's name for the same thing. ffprobe confirms the container.
      return { kind: 'video', format: 'mp4' };
    case 'mov':
      return { kind: 'video', format: 'mov' };
    case 'webm':
      return { kind: 'video', format: 'webm' };
    default:
      return null;
  }
}
