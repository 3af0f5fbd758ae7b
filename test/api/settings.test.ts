import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { footprint, imageOf, request, uploadForm, uploadMultipart } from '../helpers/upload.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(env: Record<string, string>): Promise<TestServer> {
  server = await startTestServer(env);
  return server;
}

const small = () => ({ source: { file: fixturePath('small.jpg') } });

describe('flood limits (429 with Retry-After)', () => {
  it('per key and per address', async () => {
    const s = await start({ PINHOLE_FLOOD_PER_MINUTE: '2' });
    for (let i = 0; i < 2; i++) expect((await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } })).status).toBe(200);
    const a = await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('60');
    expect(a.json?.error).toEqual({ message: 'Flooding detected. You can only upload 2 images per minute', code: 130 });
    // The same address is limited whatever the key.
    expect((await uploadMultipart(s, small(), { headers: { 'x-api-key': s.adminKey } })).status).toBe(429);
    // A minute later the window has passed.
    s.clock.advance(61_000);
    expect((await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } })).status).toBe(200);
  });
});

describe('duplicates', () => {
  it('reuse answers with the existing image and a working delete link', async () => {
    const s = await start({ PINHOLE_DUPLICATES: 'reuse' });
    const first = imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } }));
    const again = imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } }));
    expect(again.id_encoded).toBe(first.id_encoded);
    expect(again.url).toBe(first.url);
    expect(await s.c.db.images.count()).toBe(1);
    // Another user gets their own copy.
    const admins = imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.adminKey } }));
    expect(admins.id_encoded).not.toBe(first.id_encoded);
    expect((await request(s, new URL(String(again.delete_url)).pathname, { method: 'POST' })).status).toBe(200);
    expect((await fetch(String(first.url))).status).toBe(404);
  });

  it('reject answers Duplicated upload (101)', async () => {
    const s = await start({ PINHOLE_DUPLICATES: 'reject' });
    expect((await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } })).status).toBe(200);
    const before = await footprint(s);
    const a = await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } });
    expect(a.status).toBe(409);
    expect(a.json?.error).toEqual({ message: 'Duplicated upload', code: 101 });
    expect(await footprint(s)).toEqual(before);
  });
});

describe('moderation', () => {
  it('unapproved uploads omit their direct URLs and their viewer page answers 403', async () => {
    const s = await start({ PINHOLE_MODERATION: 'all' });
    const a = await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } });
    const image = imageOf(a);
    expect(image.is_approved).toBe(0);
    expect(image).not.toHaveProperty('url');
    expect(image).not.toHaveProperty('display_url');
    expect(image.image).not.toHaveProperty('url');
    expect(image.thumb).not.toHaveProperty('url');
    expect(image.url_viewer).toBeTruthy();
    expect((await request(s, String(image.path_viewer))).status).toBe(403);
    const t = await uploadMultipart(s, { ...small(), format: 'txt' }, { headers: { 'x-api-key': s.aliceKey } });
    expect(t.text).toBe('');
    // Admin uploads are approved.
    expect(imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.adminKey } })).is_approved).toBe(1);
  });
});

describe('guest key', () => {
  it('makes guest uploads without tags or albums, with the guest size limit', async () => {
    const guestKey = 'g'.repeat(40);
    const s = await start({ PINHOLE_GUEST_KEY: guestKey, PINHOLE_MAX_UPLOAD_MB_GUEST: '0.01' });
    const a = await uploadMultipart(s, { tags: 'one,two', source: { file: fixturePath('tiny.png') } }, { headers: { 'x-api-key': guestKey } });
    expect(a.status, a.text).toBe(200);
    expect(imageOf(a).tags).toEqual([]);
    const big = await uploadMultipart(s, { source: { file: fixturePath('wide.png') } }, { headers: { 'x-api-key': guestKey } });
    expect(big.status).toBe(413);
    expect(big.json?.error).toEqual({ message: 'File too big - max 0.01 MB', code: 400 });
    expect((await uploadMultipart(s, { album_id: 'abc', ...small() }, { headers: { 'x-api-key': guestKey } })).status).toBe(404);
  });

  it('is off by default', async () => {
    const s = await start({});
    expect((await uploadMultipart(s, small(), { headers: { 'x-api-key': 'g'.repeat(40) } })).status).toBe(401);
  });
});

describe('URL sources', () => {
  it('can be turned off or limited to admins', async () => {
    const s = await start({ PINHOLE_URL_UPLOADS: 'admins' });
    const a = await uploadForm(s, { source: 'http://127.0.0.1:9/x.jpg' }, { headers: { 'x-api-key': s.aliceKey } });
    expect(a.status).toBe(403);
    expect(a.json?.error).toEqual({ message: 'URL uploading is disabled', code: 403 });
  });
});

describe('site settings', () => {
  it('time zone, route names and file naming', async () => {
    const s = await start({ PINHOLE_TIMEZONE: 'Asia/Shanghai', PINHOLE_ROUTE_IMAGE: 'pic', PINHOLE_ROUTE_VIDEO: 'video', PINHOLE_FILE_NAMING: 'random' });
    const image = imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } }));
    const gmt = Date.parse(`${String(image.date_gmt)}Z`);
    const local = Date.parse(`${String(image.date)}Z`);
    expect(local - gmt).toBe(8 * 3600_000);
    expect(String(image.url_short)).toMatch(/\/pic\/[A-Za-z0-9]+$/);
    expect(String(image.name)).toMatch(/^[0-9a-f]{32}$/);
    expect((await request(s, String(image.path_viewer))).status).toBe(200);
    const clip = imageOf(await uploadMultipart(s, { source: { file: fixturePath('clip.webm') } }, { headers: { 'x-api-key': s.aliceKey } }));
    expect(String(clip.url_short)).toMatch(/\/video\/[A-Za-z0-9]+$/);
    // A clip asked for under the image route is sent to its canonical path.
    const wrongRoute = await request(s, `/pic/${String(clip.id_encoded)}`);
    expect(wrongRoute.headers.get('location')).toBe(clip.path_viewer);
  });

  it('keeps EXIF when configured', async () => {
    const s = await start({ PINHOLE_KEEP_EXIF: 'true' });
    const image = imageOf(await uploadMultipart(s, { source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': s.aliceKey } }));
    expect(String(image.original_exifdata)).toContain('GPS');
    expect(image.description).toBeTruthy();
  });
});

describe('expiration', () => {
  it('the job runner deletes expired uploads, files first, and survives an interrupted deletion', async () => {
    const s = await start({});
    const keep = imageOf(await uploadMultipart(s, small(), { headers: { 'x-api-key': s.aliceKey } }));
    const gone = imageOf(await uploadMultipart(s, { expiration: 'PT5M', source: { file: fixturePath('wide.png') } }, { headers: { 'x-api-key': s.aliceKey } }));
    await s.c.jobs.runOnce();
    expect((await fetch(String(gone.url))).status).toBe(200);

    s.clock.advance(5 * 60_000 + 1000);
    await s.c.jobs.runOnce();
    expect((await fetch(String(gone.url))).status).toBe(404);
    expect((await fetch(String((gone.thumb as { url: string }).url))).status).toBe(404);
    expect((await request(s, String(gone.path_viewer))).status).toBe(404);
    expect((await fetch(String(keep.url))).status).toBe(200);
    expect(await s.c.db.images.count()).toBe(1);

    // A deletion interrupted after the row was flagged is finished on the next pass.
    const third = imageOf(await uploadMultipart(s, { source: { file: fixturePath('tiny.png') } }, { headers: { 'x-api-key': s.aliceKey } }));
    const id = s.c.ids.decode(String(third.id_encoded))!;
    await s.c.db.images.markDeleting(id);
    expect((await request(s, String(third.path_viewer))).status).toBe(404);
    await s.c.jobs.runOnce();
    expect(await s.c.db.images.findById(id)).toBeNull();
    expect((await fetch(String(third.url))).status).toBe(404);
  });
});
