import http from 'node:http';
import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaDelivery, mediaRoutes } from '../../src/http/routes/media.route.js';
import { LocalDiskStore } from '../../src/storage/local-disk.store.js';
import { rawRequest, type RawResponse } from '../helpers/raw-request.js';

let dataDir: string;
let disk: LocalDiskStore;
/** The app's set-up: the fast lane in front of Fastify (serverFactory), the route behind it. */
let laned: FastifyInstance;
/** The route alone. */
let plain: FastifyInstance;
const fastAnswers: Array<[string, number]> = [];

function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function raw(app: FastifyInstance, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(`http://127.0.0.1:${portOf(app)}`, rawPath, method, headers);
}

/** Both servers answer alike: status, every header but the date, and the bytes. */
async function same(rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  const [a, b] = [await raw(laned, rawPath, method, headers), await raw(plain, rawPath, method, headers)];
  const strip = (h: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'date' && k !== 'connection' && k !== 'keep-alive'));
  expect(a.status).toBe(b.status);
  expect(strip(a.headers)).toEqual(strip(b.headers));
  expect(a.body.equals(b.body)).toBe(true);
  return a;
}

async function put(key: string, data: string | Buffer): Promise<void> {
  const temp = path.join(disk.tempDir(), `t-${Math.random().toString(36).slice(2)}`);
  await writeFile(temp, data);
  await disk.putFile(key, temp);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pinhole-fast-lane-'));
  disk = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
  // recheckMs 0: a stat on every request, so changes made behind the store's back show at once.
  const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true, recheckMs: 0, onFastAnswer: (method, status) => fastAnswers.push([method, status]) });
  laned = Fastify({
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        if (!media.tryServe(req, res)) handler(req, res);
      }),
  });
  await laned.register(media.plugin);
  plain = Fastify();
  await plain.register(mediaRoutes({ store: disk, prefix: '/images', syncStat: true }));
  await laned.listen({ port: 0, host: '127.0.0.1' });
  await plain.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await laned.close();
  await plain.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('media fast lane (node:http ahead of Fastify)', () => {
  it('answers cached files, HEAD and 304 itself, exactly as the route does', async () => {
    const key = '2024/07/07/pic.th.jpeg';
    await put(key, 'thumbnail bytes');
    const url = `/images/${key}`;
    fastAnswers.length = 0;
    // The first GET reads the file through the route, which caches it; the lane serves the rest.
    const first = await same(url);
    expect(first.status).toBe(200);
    expect(first.body.toString()).toBe('thumbnail bytes');
    expect(fastAnswers).toEqual([]);
    const again = await same(url);
    expect(again.headers['content-type']).toBe('image/jpeg');
    expect(again.headers['x-content-type-options']).toBe('nosniff');
    const etag = String(again.headers.etag);
    expect((await same(url, 'HEAD')).body.length).toBe(0);
    expect((await same(url, 'GET', { 'if-none-match': etag })).status).toBe(304);
    expect((await same(url, 'GET', { 'if-modified-since': String(again.headers['last-modified']) })).status).toBe(304);
    expect(fastAnswers).toEqual([
      ['GET', 200],
      ['HEAD', 200],
      ['GET', 304],
      ['GET', 304],
    ]);
  });

  it('leaves ranges, misses, large files, queries and odd paths to the route', async () => {
    const key = '2024/07/07/other.png';
    await put(key, 'some png bytes');
    const url = `/images/${key}`;
    await same(url);
    fastAnswers.length = 0;
    expect((await same(url, 'GET', { range: 'bytes=0-3' })).body.toString()).toBe('some');
    expect((await same(url, 'GET', { range: 'bytes=99-' })).status).toBe(416);
    expect((await same(`${url}?v=2`)).status).toBe(200);
    expect((await same('/images/2024/07/07/missing.jpg')).status).toBe(404);
    expect((await same('/images/2024/07/07/..%2f..%2fsecret.jpg')).status).toBe(404);
    expect((await same('/images/2024/07/07/page.html')).status).toBe(404);
    await put('2024/07/07/big.mp4', Buffer.alloc(300 * 1024, 7));
    expect((await same('/images/2024/07/07/big.mp4')).body.length).toBe(300 * 1024);
    expect((await same('/images/2024/07/07/big.mp4')).body.length).toBe(300 * 1024);
    expect(fastAnswers).toEqual([]);
    // Other methods are Fastify's (404 from the router).
    expect((await raw(laned, url, 'POST')).status).toBe((await raw(plain, url, 'POST')).status);
  });

  it('never serves a replaced or deleted file from memory', async () => {
    const key = '2024/07/08/pic.th.jpeg';
    await put(key, 'first version');
    const url = `/images/${key}`;
    await same(url);
    expect((await same(url)).body.toString()).toBe('first version');
    const file = disk.localPath(key);
    await writeFile(file, 'other version');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    expect((await same(url)).body.toString()).toBe('other version');
    await unlink(file);
    const gone = await same(url);
    expect(gone.status).toBe(404);
    expect(gone.headers.etag).toBeUndefined();
  });

  it('answers from what it knows within recheckMs, but never for a file deleted through the store', async () => {
    const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true, recheckMs: 1000 });
    const app = Fastify({
      serverFactory: (handler) =>
        http.createServer((req, res) => {
          if (!media.tryServe(req, res)) handler(req, res);
        }),
    });
    await app.register(media.plugin);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const key = '2024/07/09/pic.th.jpeg';
      await put(key, 'first version');
      const url = `/images/${key}`;
      expect((await raw(app, url)).body.toString()).toBe('first version');
      // Replaced behind the store's back: the version checked less than recheckMs ago is still served…
      const file = disk.localPath(key);
      await writeFile(file, 'other version');
      const later = new Date(Date.now() + 5000);
      await utimes(file, later, later);
      const soon = await raw(app, url);
      expect(soon.body.toString()).toBe('first version');
      // …and the new one once the lane checks again.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const checked = await raw(app, url);
      expect(checked.body.toString()).toBe('other version');
      expect(checked.headers.etag).not.toBe(soon.headers.etag);
      // A delete through the store is seen at once, well within recheckMs.
      expect((await raw(app, url)).status).toBe(200);
      await disk.delete(key);
      const gone = await raw(app, url);
      expect(gone.status).toBe(404);
      expect((await raw(app, url, 'HEAD')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('steps aside once stopped, leaving the answer to Fastify', async () => {
    const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true });
    const res = { writeHead: () => expect.unreachable(), end: () => expect.unreachable() } as unknown as http.ServerResponse;
    media.stop();
    expect(media.tryServe({ url: '/images/2024/07/07/pic.th.jpeg', method: 'GET', headers: {} } as http.IncomingMessage, res)).toBe(false);
  });
});
