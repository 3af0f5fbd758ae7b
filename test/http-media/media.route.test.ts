import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mediaRoutes } from '../../src/http/routes/media.route.js';
import type { BlobPut, BlobStat, BlobStore } from '../../src/ports/blob-store.js';
import { LocalDiskStore } from '../../src/storage/local-disk.store.js';
import { rawRequest, type RawResponse } from '../helpers/raw-request.js';

/** Records what the route asks of the store, to prove invalid paths never reach it. */
class SpyStore implements BlobStore {
  readonly calls: string[] = [];
  readonly streams: Readable[] = [];
  constructor(private readonly inner: LocalDiskStore) {}
  tempDir(): string {
    return this.inner.tempDir();
  }
  putFile(key: string, tempPath: string): Promise<void> {
    return this.inner.putFile(key, tempPath);
  }
  putFiles(items: readonly BlobPut[]): Promise<void> {
    return this.inner.putFiles(items);
  }
  isFree(key: string): Promise<boolean> {
    return this.inner.isFree(key);
  }
  stat(key: string): Promise<BlobStat | null> {
    this.calls.push(`stat ${key}`);
    return this.inner.stat(key);
  }
  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    this.calls.push(`read ${key}`);
    const stream = this.inner.createReadStream(key, range);
    this.streams.push(stream);
    return stream;
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  list(): AsyncIterable<string> {
    return this.inner.list();
  }
  localPath(key: string): string {
    return this.inner.localPath(key);
  }
}

let dataDir: string;
let disk: LocalDiskStore;
let store: SpyStore;
let app: FastifyInstance;
let base: string;
let port: number;

/** Plain node:http so paths reach the server exactly as written (fetch would normalise them). */
function raw(rawPath: string, method = 'GET'): Promise<RawResponse> {
  return rawRequest(`http://127.0.0.1:${port}`, rawPath, method);
}

async function put(key: string, data: Buffer | string): Promise<Buffer> {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const temp = path.join(disk.tempDir(), `t-${Math.random().toString(36).slice(2)}`);
  await writeFile(temp, bytes);
  await disk.putFile(key, temp);
  return bytes;
}

async function get(key: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return fetch(`${base}/images/${key}`, { headers, method });
}

/** Buffer.equals: deep equality on large buffers is needlessly slow. */
function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

const small = randomBytes(3000);
const large = randomBytes(300 * 1024);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pinhole-media-'));
  disk = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
  store = new SpyStore(disk);
  app = Fastify();
  await app.register(mediaRoutes({ store, prefix: '/images' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
  base = `http://127.0.0.1:${port}`;
  await put('2024/01/01/small.jpg', small);
  await put('2024/01/01/large.mp4', large);
  await put('2024/01/01/empty.png', Buffer.alloc(0));
});

afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  store.calls.length = 0;
  store.streams.length = 0;
});

describe('media route: responses', () => {
  it.each([
    ['a.jpg', 'image/jpeg'],
    ['a.jpeg', 'image/jpeg'],
    ['a.png', 'image/png'],
    ['a.gif', 'image/gif'],
    ['a.webp', 'image/webp'],
    ['a.avif', 'image/avif'],
    ['a.mp4', 'video/mp4'],
    ['a.mov', 'video/quicktime'],
    ['a.webm', 'video/webm'],
  ])('serves %s as %s with the safety and cache headers', async (name, type) => {
    const body = await put(`2024/02/02/${name}`, `bytes of ${name}`);
    const res = await get(`2024/02/02/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers.get('last-modified')).toMatch(/GMT$/);
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expectBytes(await bytesOf(res), body);
  });

  it('streams a large file whole', async () => {
    const res = await get('2024/01/01/large.mp4');
    expect(res.headers.get('content-length')).toBe(String(large.length));
    expectBytes(await bytesOf(res), large);
  });

  it('serves an empty file', async () => {
    const res = await get('2024/01/01/empty.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('0');
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('answers HEAD with headers only and without reading the file', async () => {
    const res = await raw('/images/2024/01/01/large.mp4', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(large.length));
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.body.length).toBe(0);
    expect(store.calls).toEqual(['stat 2024/01/01/large.mp4']);
  });

  it('answers an unknown key with a small plain-text 404', async () => {
    const res = await get('2024/01/01/missing.jpg');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('Not found\n');
  });
});

describe('media route: conditional requests', () => {
  it('answers 304 to a matching If-None-Match, weak or in a list, and to *', async () => {
    const etag = (await get('2024/01/01/small.jpg')).headers.get('etag') ?? '';
    for (const value of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await get('2024/01/01/small.jpg', { 'if-none-match': value });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect((await bytesOf(res)).length).toBe(0);
    }
    expect((await get('2024/01/01/small.jpg', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('answers 304 to If-Modified-Since unless If-None-Match disagrees', async () => {
    const lastModified = (await get('2024/01/01/large.mp4')).headers.get('last-modified') ?? '';
    expect((await get('2024/01/01/large.mp4', { 'if-modified-since': lastModified })).status).toBe(304);
    const older = new Date(Date.parse(lastModified) - 10_000).toUTCString();
    expect((await get('2024/01/01/large.mp4', { 'if-modified-since': older })).status).toBe(200);
    const both = await get('2024/01/01/large.mp4', { 'if-modified-since': lastModified, 'if-none-match': '"x"' });
    expect(both.status).toBe(200);
  });

  it('answers HEAD conditionally too', async () => {
    const etag = (await get('2024/01/01/small.jpg')).headers.get('etag') ?? '';
    expect((await get('2024/01/01/small.jpg', { 'if-none-match': etag }, 'HEAD')).status).toBe(304);
  });
});

describe('media route: ranges', () => {
  it.each([
    ['2024/01/01/small.jpg', small],
    ['2024/01/01/large.mp4', large],
  ])('serves single ranges of %s', async (key, data) => {
    const first = await get(key, { range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-9/${data.length}`);
    expect(first.headers.get('content-length')).toBe('10');
    expectBytes(await bytesOf(first), data.subarray(0, 10));

    const suffix = await get(key, { range: 'bytes=-100' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${data.length - 100}-${data.length - 1}/${data.length}`);
    expectBytes(await bytesOf(suffix), data.subarray(data.length - 100));

    const open = await get(key, { range: 'bytes=1000-' });
    expect(open.status).toBe(206);
    expectBytes(await bytesOf(open), data.subarray(1000));

    const clamped = await get(key, { range: `bytes=5-${data.length * 2}` });
    expect(clamped.headers.get('content-range')).toBe(`bytes 5-${data.length - 1}/${data.length}`);
    expectBytes(await bytesOf(clamped), data.subarray(5));
  });

  it('answers 416 with the size when nothing is satisfiable', async () => {
    const res = await get('2024/01/01/small.jpg', { range: `bytes=${small.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${small.length}`);
    expect((await get('2024/01/01/empty.png', { range: 'bytes=0-' })).status).toBe(416);
  });

  it('serves the whole file for several ranges or a malformed one', async () => {
    for (const range of ['bytes=0-1,5-6', 'bytes=9-1', 'pages=1-2']) {
      const res = await get('2024/01/01/small.jpg', { range });
      expect(res.status).toBe(200);
      expectBytes(await bytesOf(res), small);
    }
  });

  it('honours If-Range only when it still matches', async () => {
    const head = await get('2024/01/01/large.mp4', {}, 'HEAD');
    const etag = head.headers.get('etag') ?? '';
    const lastModified = head.headers.get('last-modified') ?? '';
    expect((await get('2024/01/01/large.mp4', { range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    expect((await get('2024/01/01/large.mp4', { range: 'bytes=0-9', 'if-range': lastModified })).status).toBe(206);
    const stale = await get('2024/01/01/large.mp4', { range: 'bytes=0-9', 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect((await bytesOf(stale)).length).toBe(large.length);
  });

  it('ignores Range on HEAD', async () => {
    const res = await get('2024/01/01/small.jpg', { range: 'bytes=0-9' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(small.length));
  });
});

describe('media route: hostile paths', () => {
  beforeAll(async () => {
    const folder = path.join(dataDir, 'images', '2024', '03', '03');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'evil.html'), '<script>alert(1)</script>');
    await writeFile(path.join(folder, 'evil.svg'), '<svg onload="alert(1)"/>');
    await writeFile(path.join(folder, 'notes.txt'), 'text');
    await writeFile(path.join(folder, '.hidden.jpg'), 'hidden');
  });

  it.each([
    '/images/../x',
    '/images/2024/01/01/..%2f..%2fetc%2fpasswd',
    '/images/2024/01/01/%2e%2e/%2e%2e/small.jpg',
    '/images/2024/01/01/../01/small.jpg',
    '/images/2024/01/01/small.jpg%00',
    '/images/2024/01/01/small%00.jpg',
    '/images/2024/01/01/..\\..\\small.jpg',
    '/images/2024\\01\\01\\small.jpg',
    '/images/2024/01/01/small.jpg/',
    '/images//2024/01/01/small.jpg',
    '/images/2024/03/03/evil.html',
    '/images/2024/03/03/evil.svg',
    '/images/2024/03/03/notes.txt',
    '/images/2024/03/03/.hidden.jpg',
    '/images/',
    '/images/%',
  ])('refuses %s', async (rawPath) => {
    const res = await raw(rawPath);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain('alert');
    expect(res.headers['content-type'] ?? '').not.toMatch(/html|svg/);
    // Nothing but a validated key with a media extension may reach the store.
    expect(store.calls).toEqual([]);
  });

  it('refuses traversal through fetch as well', async () => {
    for (const p of ['/images/../x', '/images/2024/01/01/..%2f..%2fetc%2fpasswd', '/images/2024/03/03/evil.html']) {
      expect((await fetch(`${base}${p}`)).status).toBe(404);
    }
    expect(store.calls).toEqual([]);
  });
});

describe('media route: cache and streams', () => {
  it('serves small files from memory but never a stale copy', async () => {
    const key = '2024/04/04/thumb.th.jpeg';
    await put(key, 'first version');
    expect(await (await get(key)).text()).toBe('first version');
    store.calls.length = 0;
    expect(await (await get(key)).text()).toBe('first version');
    expect(store.calls).toEqual([`stat ${key}`]);

    // Same size, different bytes and mtime: only the stat can tell them apart.
    const file = disk.localPath(key);
    await writeFile(file, 'second versio');
    await writeFile(file, 'other version');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    expect(await (await get(key)).text()).toBe('other version');
    expect(await (await get(key, { range: 'bytes=0-4' })).text()).toBe('other');
  });

  it('closes the file when the client goes away mid-response', { timeout: 10_000 }, async () => {
    const key = '2024/05/05/big.webm';
    await put(key, randomBytes(8 * 1024 * 1024));
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: `/images/${key}` }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    const stream = store.streams[0];
    expect(stream).toBeDefined();
    if (stream !== undefined && !stream.closed) await new Promise((resolve) => stream.once('close', resolve));
    expect(stream?.destroyed).toBe(true);
  });
});

describe('media route: a file that vanishes between stat and read', () => {
  it('answers 404 without the validators of the vanished file', async () => {
    const ghost = new (class extends SpyStore {
      override async stat(): Promise<BlobStat | null> {
        return { size: 10, mtimeMs: 1_700_000_000_000 };
      }
    })(disk);
    const other = Fastify();
    await other.register(mediaRoutes({ store: ghost, prefix: '/media' }));
    await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = other.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const res = await fetch(`http://127.0.0.1:${address.port}/media/2024/09/09/gone.jpg`);
      expect(res.status).toBe(404);
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toBe('Not found\n');
    } finally {
      await other.close();
    }
  });
});
