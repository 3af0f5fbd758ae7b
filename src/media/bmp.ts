export interface BmpHeader {
  readonly width: number;
  readonly height: number;
}

/** DIB header sizes of the BMP variants in use (core, info, v2/v3 info, OS/2 v2, v4, v5). */
const dibHeaderSizes = new Set([12, 40, 52, 56, 64, 108, 124]);

/**
 * Reads the dimensions from a BMP file header (needs the first 26 bytes). libvips has no BMP loader,
 * so this is what lets the pixel limit apply before ffmpeg allocates a frame. Null when the bytes
 * are not a plausible BMP header.
 */
export function readBmpHeader(head: Uint8Array): BmpHeader | null {
  if (head.length < 26 || head[0] !== 0x42 || head[1] !== 0x4d) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dibSize = view.getUint32(14, true);
  if (!dibHeaderSizes.has(dibSize)) return null;
  const width = dibSize === 12 ? view.getUint16(18, true) : view.getInt32(18, true);
  // A negative height marks a top-down bitmap; the size is the same.
  const height = dibSize === 12 ? view.getUint16(20, true) : Math.abs(view.getInt32(22, true));
  if (width <= 0 || height <= 0) return null;
  return { width, height };
}
