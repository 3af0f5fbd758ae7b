import zlib from 'node:zlib';
import { AppError } from '../errors/app-error.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Chunk {
  readonly type: string;
  /** Offset of the length field; the chunk spans [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  /** `acTL` before the first `IDAT` (SPEC-API §3.6). */
  readonly animated: boolean;
  /** acTL's frame count for APNG, else 1. */
  readonly frames: number;
}

/** Chunks needed to render an APNG the same way; everything else is dropped on rewrite. */
const renderingChunks = new Set([
  'IHDR', 'PLTE', 'tRNS', 'acTL', 'fcTL', 'IDAT', 'fdAT', 'IEND',
  'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'bKGD', 'pHYs', 'cICP', 'mDCV', 'cLLI',
]);
/** Text and EXIF chunks: the metadata a user may choose to keep. */
const metadataChunks = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

function undecodable(detail: string): AppError {
  return new AppError('UNDECODABLE', { detail });
}

/** Walks the chunk list up to IEND, checking lengths and CRCs. Anything after IEND is ignored. */
function walkChunks(png: Buffer): Chunk[] {
  if (png.length < SIGNATURE.length || !png.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw undecodable('not a PNG file');
  }
  const chunks: Chunk[] = [];
  let offset = SIGNATURE.length;
  for (;;) {
    if (offset + 12 > png.length) throw undecodable('truncated PNG');
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > png.length) throw undecodable('truncated PNG');
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw undecodable('corrupt PNG chunk');
    if (zlib.crc32(png.subarray(offset + 4, end - 4)) !== png.readUInt32BE(end - 4)) throw undecodable('corrupt PNG chunk');
    chunks.push({ type, start: offset, end });
    offset = end;
    if (type === 'IEND') return chunks;
  }
}

export function readPngInfo(png: Buffer): PngInfo {
  const chunks = walkChunks(png);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR' || ihdr.end - ihdr.start !== 25) throw undecodable('PNG without a valid IHDR');
  const width = png.readUInt32BE(ihdr.start + 8);
  const height = png.readUInt32BE(ihdr.start + 12);
  let frames = 1;
  let animated = false;
  for (const chunk of chunks) {
    if (chunk.type === 'IDAT') break;
    if (chunk.type === 'acTL' && chunk.end - chunk.start === 20) {
      animated = true;
      frames = png.readUInt32BE(chunk.start + 8);
    }
  }
  if (width === 0 || height === 0) throw undecodable('PNG with zero dimensions');
  return { width, height, animated, frames: Math.max(frames, 1) };
}

/**
 * Rebuilds a PNG from its rendering chunks (and metadata chunks when kept). This is how an APNG is
 * stored: libvips cannot write APNG, and a chunk-level rewrite keeps every frame bit-exact while still
 * dropping metadata and anything smuggled after IEND or in private chunks.
 */
export function rewritePng(png: Buffer, keepMetadata: boolean): Buffer {
  const kept = walkChunks(png).filter(
    (chunk) => renderingChunks.has(chunk.type) || (keepMetadata && metadataChunks.has(chunk.type)),
  );
  return Buffer.concat([SIGNATURE, ...kept.map((chunk) => png.subarray(chunk.start, chunk.end))]);
}
