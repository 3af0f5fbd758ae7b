import { randomBytes } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/ports/blob-store.js';

export interface BlobStoreFixture {
  store: BlobStore;
  cleanup(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

async function fileExists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys.sort();
}

let tempCounter = 0;

/** Writes bytes into the store's temp dir, the way the upload pipeline spools a file. */
async function spool(store: BlobStore, data: Buffer): Promise<string> {
  tempCounter += 1;
  const tempPath = path.join(store.tempDir(), `contract-${process.pid}-${tempCounter}.part`);
  await writeFile(tempPath, data);
  return tempPath;
}

const INVALID_KEYS = [
  '',
  'a.jpg',
  '2024/01/01',
  '2024/01/01/',
  '2024/01/01/../x.jpg',
  '2024/01/01/..',
  '2024/01/01/.hidden.jpg',
  '2024/01/01/a..jpg',
  '2024/1/01/a.jpg',
  '/2024/01/01/a.jpg',
  '2024/01/01/sub/a.jpg',
  '2024/01/01/a b.jpg',
  '2024/01/01/a\\b.jpg',
  '2024/01/01/a\0.jpg',
  '2024\\01\\01\\a.jpg',
  '../2024/01/01/a.jpg',
  `2024/01/01/${'a'.repeat(300)}.jpg`,
];

/**
 * Behaviour every BlobStore must share. Register it from a `*.test.ts` file per adapter;
 * `make` returns a fresh, empty store.
 */
export function blobStoreContract(name: string, make: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('stores a temp file under its key and consumes the temp file', async () => {
      const data = randomBytes(5000);
      const temp = await spool(store, data);
      await store.putFile('2024/10/10/abc.jpeg', temp);
      expect(await fileExists(temp)).toBe(false);
      expect(await readAll(store.createReadStream('2024/10/10/abc.jpeg'))).toEqual(data);
    });

    it('refuses to overwrite an existing key and keeps the original', async () => {
      const original = Buffer.from('original bytes');
      await store.putFile('2024/10/10/taken.png', await spool(store, original));
      const intruder = await spool(store, Buffer.from('intruder'));
      await expect(store.putFile('2024/10/10/taken.png', intruder)).rejects.toMatchObject({ code: 'EEXIST' });
      expect(await readAll(store.createReadStream('2024/10/10/taken.png'))).toEqual(original);
      // The temp file stays the caller's to remove.
      expect(await fileExists(intruder)).toBe(true);
    });

    it('puts several files together, all or none', async () => {
      const taken = Buffer.from('already here');
      await store.putFile('2024/10/15/b.th.jpeg', await spool(store, taken));
      const parts = [randomBytes(3000), randomBytes(2000), randomBytes(1000)];
      const temps = await Promise.all(parts.map((data) => spool(store, data)));
      const keys = ['2024/10/15/b.jpeg', '2024/10/15/b.md.jpeg', '2024/10/15/b.th.jpeg'];
      await expect(store.putFiles(keys.map((key, i) => ({ key, tempPath: temps[i] as string })))).rejects.toMatchObject({ code: 'EEXIST' });
      // The two placed before the taken key were taken back; every temp file is still the caller's.
      expect(await store.isFree('2024/10/15/b.jpeg')).toBe(true);
      expect(await store.isFree('2024/10/15/b.md.jpeg')).toBe(true);
      expect(await readAll(store.createReadStream('2024/10/15/b.th.jpeg'))).toEqual(taken);
      for (const temp of temps) expect(await fileExists(temp)).toBe(true);

      // The same temp files go in under other keys, and are consumed.
      const others = ['2024/10/15/c.jpeg', '2024/10/15/c.md.jpeg', '2024/10/16/c.th.jpeg'];
      await store.putFiles(others.map((key, i) => ({ key, tempPath: temps[i] as string })));
      for (const [i, key] of others.entries()) expect(await readAll(store.createReadStream(key))).toEqual(parts[i]);
      for (const temp of temps) expect(await fileExists(temp)).toBe(false);
    });

    it('reports size and mtime, and null for a missing key', async () => {
      const before = Date.now();
      await store.putFile('2024/10/11/s.gif', await spool(store, Buffer.alloc(1234, 7)));
      const stat = await store.stat('2024/10/11/s.gif');
      expect(stat?.size).toBe(1234);
      expect(stat?.mtimeMs).toBeGreaterThan(before - 24 * 3600 * 1000);
      expect(await store.stat('2024/10/11/missing.gif')).toBeNull();
    });

    it('reads inclusive byte ranges', async () => {
      const data = randomBytes(1000);
      await store.putFile('2024/10/12/r.mp4', await spool(store, data));
      const read = (start: number, end: number) => readAll(store.createReadStream('2024/10/12/r.mp4', { start, end }));
      expect(await read(0, 0)).toEqual(data.subarray(0, 1));
      expect(await read(10, 19)).toEqual(data.subarray(10, 20));
      expect(await read(990, 999)).toEqual(data.subarray(990));
      expect(await read(0, 999)).toEqual(data);
    });

    it('fails the read stream for a missing key', async () => {
      await expect(readAll(store.createReadStream('2024/10/12/none.jpg'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('deletes, and deleting a missing key is fine', async () => {
      await store.putFile('2024/10/13/d.webp', await spool(store, Buffer.from('x')));
      await store.delete('2024/10/13/d.webp');
      expect(await store.stat('2024/10/13/d.webp')).toBeNull();
      await expect(store.delete('2024/10/13/d.webp')).resolves.toBeUndefined();
      await expect(store.delete('1999/01/01/never.webp')).resolves.toBeUndefined();
    });

    it('reports whether a key is free', async () => {
      expect(await store.isFree('2024/10/14/f.avif')).toBe(true);
      await store.putFile('2024/10/14/f.avif', await spool(store, Buffer.from('f')));
      expect(await store.isFree('2024/10/14/f.avif')).toBe(false);
      await store.delete('2024/10/14/f.avif');
      expect(await store.isFree('2024/10/14/f.avif')).toBe(true);
    });

    it('lists every key', async () => {
      expect(await collect(store.list())).toEqual([]);
      const keys = ['2023/12/31/a.jpg', '2024/01/01/b.md.png', '2024/01/01/c.th.jpeg', '2024/02/29/d.mp4'];
      for (const key of keys) await store.putFile(key, await spool(store, Buffer.from(key)));
      expect(await collect(store.list())).toEqual(keys);
    });

    it.each(INVALID_KEYS)('refuses the invalid key %j', async (key) => {
      const temp = await spool(store, Buffer.from('bad'));
      await expect(store.putFile(key, temp)).rejects.toThrow();
      await expect(store.delete(key)).rejects.toThrow();
      await expect(store.isFree(key)).rejects.toThrow();
      expect(await store.stat(key)).toBeNull();
      await expect(readAll(store.createReadStream(key))).rejects.toThrow();
      expect(await fileExists(temp)).toBe(true);
    });
  });
}
