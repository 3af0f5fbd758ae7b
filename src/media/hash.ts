import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Read size for hashing: large reads, because per-read overhead costs more than hashing 1 MiB. */
const CHUNK = 1024 * 1024;
/** Buffers kept between calls: a fresh 1 MiB buffer per read made V8 collect far more often. */
const spare: Buffer[] = [];
const MAX_SPARE = 4;

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  const buffer = spare.pop() ?? Buffer.allocUnsafe(CHUNK);
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
    if (spare.length < MAX_SPARE) spare.push(buffer);
  }
  return hash.digest('hex');
}
