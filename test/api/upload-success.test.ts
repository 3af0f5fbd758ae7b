import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { footprint, imageOf, request, uploadMultipart } from '../helpers/upload.js';
import { seedExample } from './seed-example.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const NULLABLE = new Set(['title', 'description', 'source_md5', 'original_exifdata', 'category_id', 'expiration_date_gmt']);

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Every field of the seed's example, with the same name and JSON type (SPEC-API A18, A21). */
function expectSeedShape(image: Record<string, unknown>, kind: 'image' | 'video') {
  const seed = seedExample.image as Record<string, unknown>;
  const seedKeys = Object.keys(seed).filter((k) => kind === 'video' || k !== 'frame');
  for (const key of seedKeys) {
    expect(image, `field ${key}`).toHaveProperty(key);
    const want = jsonType(seed[key]);
    const got = jsonType(image[key]);
    if (NULLABLE.has(key)) expect(['null', want === 'null' ? got : want], `type of ${key}`).toContain(got);
    else expect(got, `type of ${key}`).toBe(want);
  }
  for (const key of Object.keys(image)) expect(Object.keys(seed), `unexpected field ${key}`).toContain(key);
  for (const sub of ['image', 'thumb'] as const) {
    const o = image[sub] as Record<string, unknown>;
    for (const k of ['filename', 'name', 'mime', 'extension', 'url', 'size']) expect(o, `${sub}.${k}`).toHaveProperty(k);
  }
}

async function fetchBytes(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('upload of an image, answered like the seed', () => {
  it('answers with every field and every URL serves', async () => {
    const photo = fixturePath('photo.jpg');
    const a = await uploadMultipart(server, { source: { file: photo, type: 'image/jpeg' } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(a.status, a.text).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expect(a.headers.get('cache-control')).toContain('no-store');
    expect(Object.keys(a.json ?? {})).toEqual(['status_code', 'success', 'image', 'status_txt']);
    expect(a.json?.status_code).toBe(200);
    expect(a.json?.success).toEqual({ message: 'file uploaded', code: 200 });
    expect(a.json?.status_txt).toBe('OK');
    const image = imageOf(a);
    expectSeedShape(image, 'image');

    // Orientation 6 applied: the 1600×1200 photo is stored upright as 1200×1600.
    expect(image.width).toBe(1200);
    expect(image.height).toBe(1600);
    expect(image.extension).toBe('jpg');
    expect(image.mime).toBe('image/jpeg');
    expect(image.type).toBe('image');
    expect(image.name).toBe('photo');
    expect(image.filename).toBe('photo.jpg');
    expect(image.original_filename).toBe('photo.jpg');
    expect(image.title).toBe('photo');
    expect(image.display_title).toBe('photo');
    expect(image.chain).toBe(7);
    expect(image.storage_mode).toBe('datefolder');
    expect(image.ratio).toBeCloseTo(0.75);
    expect(image.duration).toBe(0);
    expect(image.duration_time).toBe('');
    expect(image.url_frame).toBe('');
    expect(image.is_animated).toBe(0);
    expect(image.is_approved).toBe(1);
    expect(image.views).toBe(0);
    expect(image.likes).toBe(0);
    expect(image.how_long_ago).toMatch(/moments ago|second/);
    expect(image.views_label).toBe('views');
    expect(image.tags).toEqual([]);
    expect(image.tags_string).toBe('');
    expect(image.file).toEqual({ resource: { type: 'url' } });
    expect(image.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(image.date_gmt).toBe(image.date_fixed_peer);
    expect(image.is_use_loader).toBe(false);
    // GPS never reaches the answer unless EXIF is kept.
    expect(typeof image.original_exifdata).toBe('string');
    expect(String(image.original_exifdata)).not.toMatch(/GPSLatitude/);

    const id = String(image.id_encoded);
    expect(image.url_short).toBe(`${server.url}/image/${id}`);
    expect(image.url_viewer).toBe(`${server.url}/image/photo.${id}`);
    expect(image.path_viewer).toBe(`/image/photo.${id}`);
    expect(String(image.delete_url)).toMatch(new RegExp(`^${server.url}/image/${id}/delete/[0-9a-f]{48}$`));
    expect(String(image.url)).toMatch(new RegExp(`^${server.url}/images/\\d{4}/\\d{2}/\\d{2}/photo\\.jpg$`));

    // The main file: served, right type, md5 as answered, no EXIF left.
    const main = await fetchBytes(String(image.url));
    expect(main.res.status).toBe(200);
    expect(main.res.headers.get('content-type')).toBe('image/jpeg');
    expect(main.res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(main.bytes.length).toBe(image.size);
    expect(createHash('md5').update(main.bytes).digest('hex')).toBe(image.md5);
    const meta = await sharp(main.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([1200, 1600]);

    const thumb = image.thumb as Record<string, unknown>;
    const t = await fetchBytes(String(thumb.url));
    expect(t.res.headers.get('content-type')).toBe('image/jpeg');
    const tm = await sharp(t.bytes).metadata();
    expect([tm.width, tm.height]).toEqual([320, 320]);
    expect(t.bytes.length).toBe(thumb.size);
    expect(image.thumb_size).toBe(thumb.size);

    const medium = image.medium as Record<string, unknown>;
    const m = await fetchBytes(String(medium.url));
    const mm = await sharp(m.bytes).metadata();
    expect(mm.width).toBe(500);
    expect(mm.height).toBe(Math.round(500 / 0.75));
    expect(image.display_url).toBe(medium.url);
    expect(image.display_width).toBe(500);

    // Viewer, short URL and a non-canonical slug.
    const viewer = await request(server, String(image.path_viewer));
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(viewer.text).toContain(String(image.url));
    const short = await request(server, `/image/${id}`);
    expect(short.status).toBe(302);
    expect(short.headers.get('location')).toBe(image.path_viewer);
    const wrongSlug = await request(server, `/image/other-name.${id}`);
    expect(wrongSlug.headers.get('location')).toBe(image.path_viewer);

    // The delete link asks first (GET), deletes on POST.
    const confirm = await request(server, new URL(String(image.delete_url)).pathname);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<form method="post"');
    expect((await fetch(String(image.url))).status).toBe(200);
  });

  it('answers a clip like the seed: frame, thumb from the frame, ranges', async () => {
    const a = await uploadMultipart(
      server,
      { source: { file: fixturePath('clip.mp4'), filename: 'Badgers _ animated music video _ MrWeebl.mp4' }, expiration: 'PT30M' },
      { headers: { 'x-api-key': server.aliceKey } },
    );
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expectSeedShape(image, 'video');
    expect(image.type).toBe('video');
    expect(image.extension).toBe('mp4');
    expect(image.mime).toBe('video/mp4');
    expect(image.title).toBe('Badgers animated music video MrWeebl');
    expect(image.duration).toBe(3);
    expect(image.duration_time).toBe('00:03');
    expect(image.is_animated).toBe(0);
    expect([image.width, image.height]).toEqual([640, 360]);
    expect(String(image.url_viewer)).toMatch(/\/clip\/Badgers-animated-music-video-MrWeebl\.[A-Za-z0-9]+$/);
    expect(String(image.url_short)).toMatch(/\/clip\/[A-Za-z0-9]+$/);
    expect(image.chain).toBe(23);
    const frame = image.frame as Record<string, unknown>;
    expect(frame.extension).toBe('jpeg');
    expect(frame.mime).toBe('image/jpeg');
    expect(String(frame.filename)).toMatch(/\.fr\.jpeg$/);
    expect(image.url_frame).toBe(frame.url);
    expect(image.frame_size).toBe(frame.size);
    const expiresIn = Date.parse(`${String(image.expiration_date_gmt)}Z`) - Date.parse(`${String(image.date_gmt)}Z`);
    expect(expiresIn).toBe(30 * 60_000);

    const f = await fetchBytes(String(frame.url));
    expect(f.res.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(f.bytes).metadata()).width).toBe(640);
    const thumb = image.thumb as Record<string, unknown>;
    expect(thumb.extension).toBe('jpeg');
    const t = await fetchBytes(String(thumb.url));
    expect((await sharp(t.bytes).metadata()).height).toBe(320);

    const whole = await fetchBytes(String(image.url));
    expect(whole.res.headers.get('content-type')).toBe('video/mp4');
    expect(whole.bytes.length).toBe(image.size);
    const part = await fetchBytes(String(image.url), { headers: { range: 'bytes=100-199' } });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe(`bytes 100-199/${String(image.size)}`);
    expect(part.bytes.equals(whole.bytes.subarray(100, 200))).toBe(true);

    const viewer = await request(server, String(image.path_viewer));
    expect(viewer.text).toContain('<video');
    expect(viewer.text).toContain(`poster="${String(frame.url)}"`);
  });

  it.each([
    ['wide.png', 'png', 'image/png', 1200, 800, 7],
    ['tiny.png', 'png', 'image/png', 40, 30, 5],
    ['image.gif', 'gif', 'image/gif', 600, 400, 7],
    ['image.webp', 'webp', 'image/webp', null, null, null],
    ['animated.webp', 'webp', 'image/webp', null, null, 7],
    ['image.avif', 'avif', 'image/avif', null, null, null],
    ['image.bmp', 'png', 'image/png', null, null, null],
    ['clip.mov', 'mov', 'video/quicktime', null, null, null],
    ['clip.webm', 'webm', 'video/webm', null, null, null],
  ] as const)('stores %s as %s', async (name, ext, mime, width, height, chain) => {
    const a = await uploadMultipart(server, { source: { file: fixturePath(name) } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expect(image.extension).toBe(ext);
    expect(image.mime).toBe(mime);
    if (width !== null) expect([image.width, image.height]).toEqual([width, height]);
    if (chain !== null) expect(image.chain).toBe(chain);
    const res = await fetch(String(image.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(mime);
    const body = Buffer.from(await res.arrayBuffer());
    expect(createHash('md5').update(body).digest('hex')).toBe(image.md5);
    const thumbUrl = (image.thumb as Record<string, unknown>).url;
    expect((await fetch(String(thumbUrl))).status).toBe(200);
    if (name === 'image.gif' || name === 'animated.webp') {
      expect(image.is_animated).toBe(1);
      expect((await sharp(body, { pages: -1 }).metadata()).pages).toBeGreaterThan(1);
    }
  });

  it('keeps the received bytes intact for a polyglot only as a picture', async () => {
    const a = await uploadMultipart(server, { source: { file: fixturePath('polyglot.jpg') } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(a.status, a.text).toBe(200);
    const body = Buffer.from(await (await fetch(String(imageOf(a).url))).arrayBuffer());
    expect(body.includes(Buffer.from('<html'))).toBe(false);
    const original = await readFile(fixturePath('polyglot.jpg'));
    expect(original.includes(Buffer.from('<html'))).toBe(true);
  });
});

describe('a file name already taken that day', () => {
  it('stores the second upload under another name and leaves the first one as it was', async () => {
    const photo = fixturePath('photo.jpg');
    const source = { file: photo, filename: 'same-name-twice.jpg', type: 'image/jpeg' };
    const first = imageOf(await uploadMultipart(server, { source }, { headers: { 'x-api-key': server.aliceKey } }));
    const firstBytes = await fetchBytes(String(first.url));
    const before = await footprint(server);
    const second = imageOf(await uploadMultipart(server, { source }, { headers: { 'x-api-key': server.aliceKey } }));

    expect(first.name).toBe('same-name-twice');
    expect(second.name).not.toBe(first.name);
    expect(String(second.name)).toMatch(/^same-name-twice/);
    for (const image of [first, second]) {
      for (const sub of ['image', 'thumb', 'medium'] as const) {
        const { res } = await fetchBytes(String((image[sub] as { url: string }).url));
        expect(res.status, `${String(image.name)} ${sub}`).toBe(200);
      }
    }
    const again = await fetchBytes(String(first.url));
    expect(again.bytes.equals(firstBytes.bytes)).toBe(true);
    // Three more files, one more row, no temp file left behind.
    const after = await footprint(server);
    expect(after).toEqual({ files: before.files + 3, temps: 0, rows: before.rows + 1 });
  });
});
