import type { JpegOptions } from 'sharp';

/**
 * Above this many pixels a JPEG is written in one pass. Optimised Huffman tables need a second pass
 * over every DCT coefficient of the image, which libjpeg keeps in memory: about 5.5 bytes per pixel
 * (measured: 65 MB more peak for a 12 MP photo, against 16 MB for the whole streamed re-encode).
 * Up to 8 MP that buffer stays under 45 MB and the files are ~9 % smaller; above, the memory of an
 * upload would grow with its size and two large photos at once would set the server's peak.
 */
export const OPTIMISED_HUFFMAN_MAX_PIXELS = 8_000_000;

/** How Pinhole writes a JPEG of `pixels` output pixels (the stored image and its derivatives alike). */
export function jpegOptionsFor(pixels: number): JpegOptions {
  return { quality: 90, mozjpeg: false, progressive: false, optimiseCoding: pixels <= OPTIMISED_HUFFMAN_MAX_PIXELS };
}
