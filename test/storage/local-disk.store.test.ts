import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isValidBlobKey } from '../../src/storage/blob-key.js';
import { LocalDiskStore, cleanTempDir } from '../../src/storage/local-disk.store.js';
import { blobStoreContract } from './blob-store.contract.js';

async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'pinhole-store-'));
}

blobStoreContract('LocalDiskStore', async () => {
  const dataDir = await makeDataDir();
  const store = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
  return { store, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});

describe('LocalDiskStore specifics', () => {
  let dataDir: string;
  let store: LocalDiskStore;

  beforeEach(async () => {
    dataDir = await makeDataDir();
    store = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates its folders at construction', async () => {
    expect((await stat(path.join(dataDir, 'images'))).isDirectory()).toBe(true);
    expect((await stat(path.join(dataDir, 'tmp'))).isDirectory()).toBe(true);
    expect(store.tempDir()).toBe(path.join(dataDir, 'tmp'));
  });

  it('maps keys to paths inside the root and refuses invalid ones', () => {
    expect(store.localPath('2024/10/10/a.jpg')).toBe(path.join(dataDir, 'images', '2024', '10', '10', 'a.jpg'));
    expect(() => store.localPath('2024/10/10/../../../etc/passwd')).toThrow();
  });

  it('writes the file where localPath says', async () => {
    const temp = path.join(store.tempDir(), 'x.part');
    await writeFile(temp, 'hello');
    await store.putFile('2025/01/02/x.png', temp);
    expect((await stat(store.localPath('2025/01/02/x.png'))).size).toBe(5);
  });

  it('fails when the temp file is missing, storing nothing', async () => {
    await expect(store.putFile('2025/01/02/y.png', path.join(store.tempDir(), 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.isFree('2025/01/02/y.png')).toBe(true);
  });

  it('treats a directory at a key as missing', async () => {
    await mkdir(path.join(dataDir, 'images', '2024', '01', '01', 'dir.jpg'), { recursive: true });
    expect(await store.stat('2024/01/01/dir.jpg')).toBeNull();
  });

  it('lists only well-formed keys', async () => {
    const root = path.join(dataDir, 'images');
    await mkdir(path.join(root, '2024', '01', '01'), { recursive: true });
    await mkdir(path.join(root, 'cache', '01', '01'), { recursive: true });
    await writeFile(path.join(root, '2024', '01', '01', 'ok.jpg'), 'ok');
    await writeFile(path.join(root, '2024', '01', '01', '.DS_Store'), 'x');
    await writeFile(path.join(root, '2024', '01', '01', 'has space.jpg'), 'x');
    await writeFile(path.join(root, 'cache', '01', '01', 'nope.jpg'), 'x');
    await writeFile(path.join(root, 'stray.txt'), 'x');
    const keys: string[] = [];
    for await (const key of store.list()) keys.push(key);
    expect(keys).toEqual(['2024/01/01/ok.jpg']);
  });

  it('concurrent puts on one key: exactly one wins', async () => {
    const temps = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const temp = path.join(store.tempDir(), `race-${i}`);
        await writeFile(temp, `writer ${i}`);
        return temp;
      }),
    );
    const results = await Promise.allSettled(temps.map((t) => store.putFile('2024/05/05/race.jpg', t)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('cleanTempDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeDataDir();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes every leftover by default', async () => {
    await writeFile(path.join(dir, 'a.part'), 'a');
    await mkdir(path.join(dir, 'job-1'));
    await writeFile(path.join(dir, 'job-1', 'b.part'), 'b');
    expect(await cleanTempDir(dir)).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('spares entries younger than the threshold', async () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    await writeFile(path.join(dir, 'old'), 'o');
    await writeFile(path.join(dir, 'new'), 'n');
    await utimes(path.join(dir, 'old'), new Date(now - 2 * 3600_000), new Date(now - 2 * 3600_000));
    await utimes(path.join(dir, 'new'), new Date(now - 60_000), new Date(now - 60_000));
    expect(await cleanTempDir(dir, 3600_000, now)).toBe(1);
    expect(await readdir(dir)).toEqual(['new']);
  });

  it('accepts a missing folder', async () => {
    expect(await cleanTempDir(path.join(dir, 'absent'))).toBe(0);
  });
});

describe('isValidBlobKey', () => {
  it.each(['2024/10/10/abc.jpeg', '2024/10/10/abc.th.jpeg', '2024/10/10/a-b_c.mp4', '0000/00/00/x'])('accepts %j', (key) => {
    expect(isValidBlobKey(key)).toBe(true);
  });
  it.each(['2024/10/10/.x', '2024/10/10/a..b', '2024/10/10/a/b', '2024-10-10/a', 'x'])('refuses %j', (key) => {
    expect(isValidBlobKey(key)).toBe(false);
  });
});
