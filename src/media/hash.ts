import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  // Large reads: the default 64 KiB chunks cost more in stream overhead than the hashing itself.
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
