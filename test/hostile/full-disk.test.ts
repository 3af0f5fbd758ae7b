/**
 * Issue 4, item 7: the data directory on a small filesystem (an 8 MB tmpfs; root, as on CI). Uploads
 * that do not fit get 507 STORAGE_FULL (code 104) in the envelope, whether the disk fills while the
 * upload is received, while it is processed or when its row is written; nothing partial stays; the
 * server serves again once space returns. Skipped with a warning where tmpfs cannot be mounted,
 * except under CI=true.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import type { ApiAnswer } from '../helpers/upload.js';
import { removeDir } from './helpers/child-server.js';
import { recordFigures } from './helpers/figures.js';
import { acceptedProblems, outcomeProblems, settledFootprint } from './helpers/outcome.js';
import { toAnswer } from './helpers/raw-http.js';
import { aliceHeaders, observe, startHostileServer, uploadBytes } from './helpers/servers.js';
import { SmallDisk } from './helpers/small-disk.js';

let work: string;
let disk: SmallDisk | null = null;
let dbDisk: SmallDisk | null = null;
let noise: Buffer;
let small: Buffer;
let clip: Buffer;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  await generateHostileFixtures();
  work = await mkdtemp(path.join(os.tmpdir(), 'pinhole-full-disk-'));
  disk = await SmallDisk.mount(path.join(work, 'mnt'), '8m');
  dbDisk = disk ? await SmallDisk.mount(path.join(work, 'db'), '2m') : null;
  // Noise does not compress: the stored PNG is about as large as the upload.
  noise = await sharp(randomBytes(500 * 400 * 3), { raw: { width: 500, height: 400, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
  small = await readFile(hostilePath('seed.jpg'));
  clip = await readFile(fixturePath('clip.mp4'));
});
afterAll(async () => {
  await disk?.unmount();
  await dbDisk?.unmount();
  await removeDir(work);
});

async function expectStorageFull(server: TestServer, send: () => Promise<ApiAnswer>): Promise<void> {
  const before = await settledFootprint(observe(server));
  const a = await send();
  expect(a.status, a.text.slice(0, 200)).toBe(507);
  expect(a.json).toEqual({ status_code: 507, error: { message: 'No space left on storage', code: 104 }, status_txt: 'Insufficient Storage' });
  expect(await outcomeProblems(observe(server), a, before, true, { storageFull: true })).toEqual([]);
}

async function expectStored(server: TestServer, bytes: Buffer, name: string): Promise<void> {
  const before = await settledFootprint(observe(server));
  const a = await uploadBytes(server, bytes, name);
  expect(a.status, a.text.slice(0, 200)).toBe(200);
  expect(await outcomeProblems(observe(server), a, before, true, { storageFull: true })).toEqual([]);
}

describe('a full disk (database elsewhere)', () => {
  let server: TestServer;

  beforeAll(async () => {
    if (!disk) return;
    server = await startHostileServer({ PINHOLE_DATABASE_URL: `sqlite:${path.join(work, 'pinhole.db')}` }, { dataDir: path.join(disk.dir, 'data') });
  });
  afterAll(async () => {
    await server?.stop();
    await disk?.drain();
  });

  it('refuses with 507 while receiving, as multipart or base64, and leaves nothing', async (ctx) => {
    if (!disk) return ctx.skip();
    await expectStored(server, small, 'fits.jpg');
    await disk.fillLeaving(64 * 1024);
    await expectStorageFull(server, () => uploadBytes(server, noise, 'noise.png'));
    await expectStorageFull(server, async () => toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: aliceHeaders(server), body: new URLSearchParams({ source: noise.toString('base64') }) })));
    await disk.drain();
  });

  it('refuses with 507 while processing an image or a clip, and leaves nothing', async (ctx) => {
    if (!disk) return ctx.skip();
    // Room for the received file, not for what is made from it.
    await disk.fillLeaving(noise.length + 48 * 1024);
    await expectStorageFull(server, () => uploadBytes(server, noise, 'noise.png'));
    await disk.drain();
    await disk.fillLeaving(clip.length + 24 * 1024);
    await expectStorageFull(server, () => uploadBytes(server, clip, 'clip.mp4'));
    await disk.drain();
  });

  it('serves again once space returns', async (ctx) => {
    if (!disk) return ctx.skip();
    await disk.fillLeaving(16 * 1024);
    await expectStorageFull(server, () => uploadBytes(server, noise, 'noise.png'));
    await disk.drain();
    await expectStored(server, noise, 'noise.png');
    await expectStored(server, clip, 'clip.mp4');
  });
});

/**
 * Small uploads until one is refused with 507 (at most 200): each answer is 200 or 507, and each
 * leaves files and rows in step (a refused upload's files were stored before its row failed: they
 * must be gone again). Returns the statuses in order.
 */
async function uploadUntilFull(server: Parameters<typeof observe>[0]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 200 && !statuses.includes(507); i++) {
    const before = await settledFootprint(observe(server));
    const a = await uploadBytes(server, small, `db-${i}.jpg`);
    statuses.push(a.status);
    expect([200, 507], a.text.slice(0, 200)).toContain(a.status);
    expect(await outcomeProblems(observe(server), a, before, true, { storageFull: true })).toEqual([]);
  }
  return statuses;
}

describe('the database on a full disk', () => {
  it('its own disk full while the files fit: 507, the stored files are taken back, and it recovers', { timeout: 120_000 }, async (ctx) => {
    if (!disk || !dbDisk) return ctx.skip();
    const server = await startHostileServer({ PINHOLE_DATABASE_URL: `sqlite:${path.join(dbDisk.dir, 'pinhole.db')}` });
    try {
      await expectStored(server, small, 'fits.jpg');
      await dbDisk.fillLeaving(0);
      const statuses = await uploadUntilFull(server);
      figures.databaseDiskFull = { uploadsBefore507: statuses.filter((s) => s === 200).length };
      expect(statuses).toContain(507);
      await dbDisk.drain();
      await expectStored(server, noise, 'after.png');
    } finally {
      await server.stop();
      await dbDisk.drain();
    }
  });

  it('one full disk for both: 200 or 507, never 500, files and rows in step, and it recovers', { timeout: 120_000 }, async (ctx) => {
    if (!disk) return ctx.skip();
    const server = await startHostileServer({}, { dataDir: path.join(disk.dir, 'data-with-db') });
    try {
      await expectStored(server, small, 'fits.jpg');
      await disk.fillLeaving(256 * 1024);
      const statuses = await uploadUntilFull(server);
      figures.sharedDiskFull = { uploadsBefore507: statuses.filter((s) => s === 200).length };
      expect(statuses).toContain(507);
      await disk.drain();
      const again = await uploadBytes(server, noise, 'after.png');
      expect(again.status, again.text.slice(0, 200)).toBe(200);
      expect(await acceptedProblems(again)).toEqual([]);
    } finally {
      await server.stop();
      await disk.drain();
      await recordFigures('full-disk', figures);
    }
  });
});
