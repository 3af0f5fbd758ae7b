import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spoolToFile } from '../../src/lib/spool.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pinhole-spool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The body in chunks of uneven sizes, as a socket delivers it. */
function chunked(data: Buffer, sizes: readonly number[]): Readable {
  const chunks: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks);
}

describe('spoolToFile', () => {
  it('writes every byte in order and hashes them, whatever the chunk sizes', async () => {
    for (const [total, sizes] of [
      [0, [1]],
      [10, [3]],
      [1_300_000, [16_384, 65_536, 1, 300_000, 7]],
      [262_144, [262_144]],
      [262_145, [131_072]],
    ] as const) {
      const data = randomBytes(total);
      const file = await spoolToFile(chunked(data, sizes), { dir, maxBytes: 2_000_000 });
      expect(file.size).toBe(total);
      expect(file.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect((await readFile(file.path)).equals(data)).toBe(true);
      await rm(file.path);
    }
  });

  it('refuses a body over the limit and leaves no file', async () => {
    await expect(spoolToFile(chunked(randomBytes(600_000), [65_536]), { dir, maxBytes: 500_000 })).rejects.toMatchObject({ code: 'FILE_TOO_BIG' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file when the source fails half way', async () => {
    const source = new Readable({ read() {} });
    source.push(randomBytes(400_000));
    setTimeout(() => source.destroy(new Error('connection reset')), 20);
    await expect(spoolToFile(source, { dir, maxBytes: 2_000_000 })).rejects.toThrow('connection reset');
    expect(await readdir(dir)).toEqual([]);
  });
});
