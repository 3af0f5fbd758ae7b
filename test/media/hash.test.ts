import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5File } from '../../src/media/hash.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pinhole-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

describe('md5File', () => {
  it('hashes files of every size the read buffer can meet, also many at once', async () => {
    const sizes = [0, 1, MiB - 1, MiB, MiB + 1, Math.floor(3.5 * MiB)];
    const files = await Promise.all(
      sizes.map(async (size, i) => {
        const data = randomBytes(size);
        const file = path.join(dir, `f${i}.bin`);
        await writeFile(file, data);
        return { file, expected: createHash('md5').update(data).digest('hex') };
      }),
    );
    // Twice over, concurrently: the read buffers are reused between calls and must never be shared.
    const twice = [...files, ...files];
    const hashes = await Promise.all(twice.map(({ file }) => md5File(file)));
    expect(hashes).toEqual(twice.map(({ expected }) => expected));
  });

  it('fails for a missing file', async () => {
    await expect(md5File(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
