import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaRoutes } from '../../src/http/routes/media.route.js';
import { derivativePlan } from '../../src/media/derivatives.js';
import { sharpThreadsFor } from '../../src/media/sharp-settings.js';
import { LocalDiskStore } from '../../src/storage/local-disk.store.js';

let dataDir: string;
let disk: LocalDiskStore;
let app: FastifyInstance;

async function put(key: string, data: string): Promise<void> {
  const temp = path.join(disk.tempDir(), `t-${Math.random().toString(36).slice(2)}`);
  await writeFile(temp, data);
  await disk.putFile(key, temp);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pinhole-sync-stat-'));
  disk = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
  app = Fastify();
  await app.register(mediaRoutes({ store: disk, prefix: '/images', syncStat: true }));
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('media route with the synchronous stat (the app default)', () => {
  it('serves a cached file, a replaced one fresh, and a deleted one never', async () => {
    const key = '2024/06/06/pic.th.jpeg';
    await put(key, 'first version');
    expect((await app.inject({ url: `/images/${key}` })).body).toBe('first version');
    const first = await app.inject({ url: `/images/${key}` });
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect(first.headers['x-content-type-options']).toBe('nosniff');

    const file = disk.localPath(key);
    await writeFile(file, 'other version');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const second = await app.inject({ url: `/images/${key}` });
    expect(second.body).toBe('other version');
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect((await app.inject({ url: `/images/${key}`, headers: { 'if-none-match': String(second.headers.etag) } })).statusCode).toBe(304);
    expect((await app.inject({ url: `/images/${key}`, headers: { range: 'bytes=0-4' } })).body).toBe('other');

    await unlink(file);
    const gone = await app.inject({ url: `/images/${key}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers.etag).toBeUndefined();
  });

  it('never stats a path that is not a valid key', async () => {
    expect((await app.inject({ url: '/images/2024/06/06/..%2f..%2fetc%2fpasswd' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/images/2024/06/06/page.html' })).statusCode).toBe(404);
  });
});

describe('derivative plan', () => {
  it('decodes once at the smallest size both derivatives can be cut from', () => {
    expect(derivativePlan({ width: 1920, height: 1080, thumbSize: 320, mediumSize: 500, wantsMedium: true })).toEqual({
      fullWidth: 1920, fullHeight: 1080, decodeWidth: 569, decodeHeight: 320, mediumWidth: 500,
    });
    // Portrait: the medium's width decides.
    const portrait = derivativePlan({ width: 1000, height: 4000, thumbSize: 320, mediumSize: 500, wantsMedium: true });
    expect(portrait.decodeWidth).toBe(500);
    expect(portrait.decodeHeight).toBe(2000);
    // Small images are never scaled for the plan (the thumbnail upscales as before).
    expect(derivativePlan({ width: 64, height: 48, thumbSize: 320, mediumSize: 500, wantsMedium: false })).toEqual({
      fullWidth: 64, fullHeight: 48, decodeWidth: 64, decodeHeight: 48, mediumWidth: null,
    });
  });

  it('shares the cores out between jobs', () => {
    expect(sharpThreadsFor(2, 2)).toBe(1);
    expect(sharpThreadsFor(1, 8)).toBe(8);
    expect(sharpThreadsFor(3, 8)).toBe(2);
    expect(sharpThreadsFor(16, 2)).toBe(1);
  });
});
