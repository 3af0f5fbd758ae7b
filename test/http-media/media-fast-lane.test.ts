import http from 'node:http';
import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaDelivery, mediaRoutes, type MediaDelivery } from '../../src/http/routes/media.route.js';
import { installSocketFront, type SocketFront } from '../../src/http/socket-front.js';
import { LocalDiskStore } from '../../src/storage/local-disk.store.js';
import { rawRequest, type RawResponse } from '../helpers/raw-request.js';

let dataDir: string;
let disk: LocalDiskStore;
/** The route alone. */
let plain: FastifyInstance;

/** The two ways the lane is reached: from node:http's request (tryServe), or from the socket front. */
type Way = 'node:http' | 'socket front';

interface Laned {
  readonly app: FastifyInstance;
  readonly front: SocketFront | null;
  readonly answers: Array<[string, number]>;
}

/** The app's set-up: the fast lane in front of Fastify (serverFactory), the route behind it; and the socket front ahead of both. */
function lanedApp(media: MediaDelivery, way: Way): { app: FastifyInstance; front: () => SocketFront | null } {
  let front: SocketFront | null = null;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = http.createServer((req, res) => {
        if (!media.tryServe(req, res)) handler(req, res);
      });
      if (way === 'socket front') front = installSocketFront(server, (request) => media.answerFromSocket(request), { maxHeaderSize: http.maxHeaderSize });
      return server;
    },
  });
  app.addHook('preClose', async () => front?.stop());
  return { app, front: () => front };
}

const laned = new Map<Way, Laned>();

function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** On a new keep-alive connection (which the socket front takes, as it does a browser's). */
function raw(app: FastifyInstance, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(`http://127.0.0.1:${portOf(app)}`, rawPath, method, headers, { keepAlive: true });
}

/** Both servers answer alike: status, every header but the date, and the bytes. */
async function same(way: Way, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  const [a, b] = [await raw(lanedFor(way).app, rawPath, method, headers), await raw(plain, rawPath, method, headers)];
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
  for (const way of ['node:http', 'socket front'] as const) {
    const answers: Array<[string, number]> = [];
    // recheckMs 0: a stat on every request, so changes made behind the store's back show at once.
    const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true, recheckMs: 0, onFastAnswer: (method, status) => answers.push([method, status]) });
    const { app, front } = lanedApp(media, way);
    await app.register(media.plugin);
    await app.listen({ port: 0, host: '127.0.0.1' });
    laned.set(way, { app, front: front(), answers });
  }
  plain = Fastify();
  await plain.register(mediaRoutes({ store: disk, prefix: '/images', syncStat: true }));
  await plain.listen({ port: 0, host: '127.0.0.1' });
});

function lanedFor(way: Way): Laned {
  const found = laned.get(way);
  if (found === undefined) throw new Error(`no server for ${way}`);
  return found;
}

afterAll(async () => {
  for (const { app } of laned.values()) await app.close();
  await plain.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.each(['node:http', 'socket front'] as const)('media fast lane reached from %s', (way) => {
  // Each way stores its own files, so both start from a lane that has seen nothing.
  const month = way === 'node:http' ? '2024/07' : '2024/08';
  it('answers cached files, HEAD and 304 itself, exactly as the route does', async () => {
    const key = `${month}/07/pic.th.jpeg`;
    await put(key, 'thumbnail bytes');
    const url = `/images/${key}`;
    lanedFor(way).answers.length = 0;
    // The first GET reads the file through the route, which caches it; the lane serves the rest.
    const first = await same(way, url);
    expect(first.status).toBe(200);
    expect(first.body.toString()).toBe('thumbnail bytes');
    expect(lanedFor(way).answers).toEqual([]);
    const again = await same(way, url);
    expect(again.headers['content-type']).toBe('image/jpeg');
    expect(again.headers['x-content-type-options']).toBe('nosniff');
    const etag = String(again.headers.etag);
    expect((await same(way, url, 'HEAD')).body.length).toBe(0);
    expect((await same(way, url, 'GET', { 'if-none-match': etag })).status).toBe(304);
    expect((await same(way, url, 'GET', { 'if-modified-since': String(again.headers['last-modified']) })).status).toBe(304);
    expect(lanedFor(way).answers).toEqual([
      ['GET', 200],
      ['HEAD', 200],
      ['GET', 304],
      ['GET', 304],
    ]);
    // From the socket front, those four never became node:http requests.
    expect(lanedFor(way).front?.answered ?? 0).toBe(way === 'socket front' ? 4 : 0);
  });

  it('leaves ranges, misses, large files, queries and odd paths to the route', async () => {
    const key = `${month}/07/other.png`;
    await put(key, 'some png bytes');
    const url = `/images/${key}`;
    await same(way, url);
    lanedFor(way).answers.length = 0;
    expect((await same(way, url, 'GET', { range: 'bytes=0-3' })).body.toString()).toBe('some');
    expect((await same(way, url, 'GET', { range: 'bytes=99-' })).status).toBe(416);
    expect((await same(way, `${url}?v=2`)).status).toBe(200);
    expect((await same(way, `/images/${month}/07/missing.jpg`)).status).toBe(404);
    expect((await same(way, `/images/${month}/07/..%2f..%2fsecret.jpg`)).status).toBe(404);
    expect((await same(way, `/images/${month}/07/page.html`)).status).toBe(404);
    await put(`${month}/07/big.mp4`, Buffer.alloc(300 * 1024, 7));
    expect((await same(way, `/images/${month}/07/big.mp4`)).body.length).toBe(300 * 1024);
    expect((await same(way, `/images/${month}/07/big.mp4`)).body.length).toBe(300 * 1024);
    expect(lanedFor(way).answers).toEqual([]);
    // Other methods are Fastify's (404 from the router).
    expect((await raw(lanedFor(way).app, url, 'POST')).status).toBe((await raw(plain, url, 'POST')).status);
  });

  it('never serves a replaced or deleted file from memory', async () => {
    const key = `${month}/08/pic.th.jpeg`;
    await put(key, 'first version');
    const url = `/images/${key}`;
    await same(way, url);
    expect((await same(way, url)).body.toString()).toBe('first version');
    const file = disk.localPath(key);
    await writeFile(file, 'other version');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    expect((await same(way, url)).body.toString()).toBe('other version');
    await unlink(file);
    const gone = await same(way, url);
    expect(gone.status).toBe(404);
    expect(gone.headers.etag).toBeUndefined();
  });

  it('answers from what it knows within recheckMs, but never for a file deleted through the store', async () => {
    const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true, recheckMs: 1000 });
    const { app } = lanedApp(media, way);
    await app.register(media.plugin);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const key = `${month}/09/pic.th.jpeg`;
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
});

describe('media fast lane', () => {
  it('steps aside once stopped, leaving the answer to Fastify', async () => {
    const media = mediaDelivery({ store: disk, prefix: '/images', syncStat: true });
    const res = { writeHead: () => expect.unreachable(), end: () => expect.unreachable() } as unknown as http.ServerResponse;
    media.stop();
    expect(media.tryServe({ url: '/images/2024/07/07/pic.th.jpeg', method: 'GET', headers: {} } as http.IncomingMessage, res)).toBe(false);
    expect(media.answerFromSocket({ url: '/images/2024/07/07/pic.th.jpeg', method: 'GET', header: () => undefined })).toBeNull();
  });
});
