import { open, type FileHandle } from 'node:fs/promises';

/** Chunk headers visited before giving up: real files have a handful before the image data. */
const MAX_CHUNKS = 1024;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer | null> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : null;
}

/**
 * APNG frame count from `acTL` when it comes before the first `IDAT` (SPEC-API §3.6), else null.
 * Only chunk headers are read, so a large PNG costs a few small reads.
 */
export async function readApngFrameCount(path: string): Promise<number | null> {
  const handle = await open(path, 'r');
  try {
    let position = 8;
    for (let i = 0; i < MAX_CHUNKS; i += 1) {
      const header = await readAt(handle, position, 12);
      if (!header) return null;
      const length = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'IDAT' || type === 'IEND') return null;
      if (type === 'acTL') return header.readUInt32BE(8);
      position += 12 + length;
    }
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Whether a WebP is losslessly coded (VP8L), so re-encoding can stay lossless. Walks the RIFF chunks
 * to the first image data; an animation is judged by its first frame.
 */
export async function isLosslessWebp(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    let position = 12;
    for (let i = 0; i < MAX_CHUNKS; i += 1) {
      const header = await readAt(handle, position, 8);
      if (!header) return false;
      const fourcc = header.toString('latin1', 0, 4);
      const size = header.readUInt32LE(4);
      if (fourcc === 'VP8L') return true;
      if (fourcc === 'VP8 ' || fourcc === 'ALPH') return false;
      if (fourcc === 'ANMF') {
        // A frame's payload: 16 bytes of geometry and timing, then its own image chunks.
        const inner = await readAt(handle, position + 8 + 16, 4);
        return inner?.toString('latin1') === 'VP8L';
      }
      position += 8 + size + (size % 2);
    }
    return false;
  } finally {
    await handle.close();
  }
}
