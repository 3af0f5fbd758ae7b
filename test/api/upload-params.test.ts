import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { imageOf, request, uploadForm, uploadJson, uploadMultipart } from '../helpers/upload.js';

let server: TestServer;
let origin: Server;
let originUrl: string;
let originHits = 0;

beforeAll(async () => {
  server = await startTestServer();
  const wide = await readFile(fixturePath('wide.png'));
  origin = createServer((req, res) => {
    originHits++;
    if (req.url?.startsWith('/redirect')) {
      res.writeHead(302, { location: '/pictures/wide.png?size=large&v=2' }).end();
      return;
    }
    if (req.url?.startsWith('/pictures/wide.png')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(wide.length) }).end(wide);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => origin?.close(resolve));
  await server?.stop();
});

const key = () => ({ 'x-api-key': server.aliceKey });
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('every parameter', () => {
  it('title, description, tags, nsfw', async () => {
    const a = await uploadMultipart(
      server,
      { title: 'A very long title for a sunset over the sea', description: 'Taken <b>at</b> dusk', tags: ' sea, sunset ,sea, a/b, ,Sky ', nsfw: '1', source: { file: fixturePath('small.jpg') } },
      { headers: key() },
    );
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expect(image.title).toBe('A very long title for a sunset over the sea');
    expect(image.title_truncated).toBe('A very long title for a s...');
    expect(image.description).toBe('Taken <b>at</b> dusk');
    expect((image.tags as Array<{ name: string }>).map((t) => t.name)).toEqual(['sea', 'sunset', 'Sky']);
    expect(image.tags_string).toBe('sea, sunset, Sky');
    expect((image.tags as Array<{ url: string }>)[0]?.url).toBe(`${server.url}/tag/sea`);
    expect(image.nsfw).toBe(1);
    expect(String(image.url_viewer)).toContain('/image/A-very-long-title-for-a-sunset-over-the-sea.');
    // The viewer page escapes what the uploader wrote.
    const page = await request(server, String(image.path_viewer));
    expect(page.text).toContain('Taken &lt;b&gt;at&lt;/b&gt; dusk');
  });

  it('`name` is the ImgBB alias of title; a 100+ character title is cut', async () => {
    const a = await uploadMultipart(server, { name: 'x'.repeat(150), source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(imageOf(a).title).toBe('x'.repeat(100));
  });

  it('album_id of an own album', async () => {
    const alice = await server.c.accounts.findUser('alice');
    const album = await server.c.db.albums.create({ userId: alice!.id, name: 'Holidays', description: null, privacy: 'public', createdAt: new Date() });
    const a = await uploadMultipart(server, { album_id: server.c.ids.encode(album.id), source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(a.status, a.text).toBe(200);
    const stored = await server.c.db.images.findById(server.c.ids.decode(String(imageOf(a).id_encoded))!);
    expect(stored?.albumId).toBe(album.id);
    expect((await server.c.db.albums.findById(album.id))?.imageCount).toBe(1);
  });

  it('category_id', async () => {
    const category = await server.c.db.categories.create({ name: 'Nature', urlKey: 'nature' });
    const a = await uploadMultipart(server, { category_id: String(category.id), source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(imageOf(a).category_id).toBe(category.id);
  });

  it('width resizes, never upscales, and keeps source_md5', async () => {
    const original = await readFile(fixturePath('wide.png'));
    const a = await uploadMultipart(server, { width: '300', source: { file: fixturePath('wide.png') } }, { headers: key() });
    const image = imageOf(a);
    expect([image.width, image.height]).toEqual([300, 200]);
    expect(image.source_md5).toBe(md5(original));
    expect(image.md5).not.toBe(image.source_md5);
    const stored = Buffer.from(await (await fetch(String(image.url))).arrayBuffer());
    expect((await sharp(stored).metadata()).width).toBe(300);
    expect(image.chain).toBe(5);

    const b = imageOf(await uploadMultipart(server, { width: '5000', source: { file: fixturePath('wide.png') } }, { headers: key() }));
    expect([b.width, b.height]).toEqual([1200, 800]);
    expect(b.source_md5).toBeNull();

    const gif = imageOf(await uploadMultipart(server, { width: '100', source: { file: fixturePath('image.gif') } }, { headers: key() }));
    expect(gif.width).toBe(600);
  });

  it('expiration in seconds and as ISO-8601, clamped to [5 minutes, 1 year]', async () => {
    const cases: Array<[string, number]> = [['3600', 3600], ['P3D', 3 * 86_400], ['P1DT12H', 36 * 3600], ['PT1M', 300], ['P2Y', 31_536_000]];
    for (const [value, seconds] of cases) {
      const image = imageOf(await uploadMultipart(server, { expiration: value, source: { file: fixturePath('tiny.png') } }, { headers: key() }));
      const delta = Date.parse(`${String(image.expiration_date_gmt)}Z`) - Date.parse(`${String(image.date_gmt)}Z`);
      expect(delta, value).toBe(seconds * 1000);
    }
  });

  it('use_file_date with an admin key dates the upload by its EXIF date', async () => {
    const a = await uploadMultipart(server, { use_file_date: '1', source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': server.adminKey } });
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expect(image.date_gmt).toBe('2021-06-15 10:20:30');
    expect(String(image.url)).toContain('/images/2021/06/15/');
    expect((await fetch(String(image.url))).status).toBe(200);
  });

  it('format=txt answers the URL alone; format=redirect answers 302 to the viewer', async () => {
    const t = await uploadMultipart(server, { format: 'txt', source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(t.status).toBe(200);
    expect(t.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(t.text).toMatch(new RegExp(`^${server.url}/images/\\d{4}/\\d{2}/\\d{2}/small[0-9a-f]*\\.jpg$`));
    expect((await fetch(t.text)).status).toBe(200);
    const r = await uploadMultipart(server, { format: 'redirect', source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toMatch(/^\/image\/small\.[A-Za-z0-9]+$/);
    expect((await request(server, r.headers.get('location')!)).status).toBe(200);
  });

  it('an unknown format answers JSON', async () => {
    const a = await uploadMultipart(server, { format: 'xml', source: { file: fixturePath('small.jpg') } }, { headers: key() });
    expect(a.json?.status_code).toBe(200);
  });
});

describe('every source kind and request form', () => {
  it('base64 in a urlencoded body: plain, data: URI, URL-safe, unpadded, with line breaks and spaces for +', async () => {
    const bytes = await readFile(fixturePath('tiny.png'));
    const b64 = bytes.toString('base64');
    const variants = [
      b64,
      `data:image/png;base64,${b64}`,
      b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      b64.replace(/(.{60})/g, '$1\n'),
    ];
    for (const source of variants) {
      const a = await uploadForm(server, { key: server.aliceKey, source });
      expect(a.status, a.text).toBe(200);
      const image = imageOf(a);
      expect(image.extension).toBe('png');
      expect(String(image.original_filename)).toMatch(/^[0-9a-f]{12}\.png$/);
      expect(image.title).toMatch(/^[0-9a-f]{12}$/);
    }
    // A client that forgot to escape `+` in a urlencoded body: the spaces are read back as `+`.
    const raw = `key=${encodeURIComponent(server.aliceKey)}&source=${b64.replace(/\//g, '%2F').replace(/=/g, '%3D')}`;
    const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: raw });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('base64 in a JSON body and in a multipart text field', async () => {
    const b64 = (await readFile(fixturePath('small.jpg'))).toString('base64');
    const j = await uploadJson(server, { source: b64, title: 'from json' }, { headers: key() });
    expect(j.status, j.text).toBe(200);
    expect(imageOf(j).title).toBe('from json');
    const m = await uploadMultipart(server, { source: b64 }, { headers: key() });
    expect(m.status, m.text).toBe(200);
  });

  it('a URL source, following redirects; the file name comes from the URL', async () => {
    const before = originHits;
    const a = await uploadForm(server, { source: `${originUrl}/redirect` }, { headers: key() });
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expect(image.original_filename).toBe('wide.png');
    expect(image.md5).toBe(md5(Buffer.from(await (await fetch(String(image.url))).arrayBuffer())));
    expect(originHits - before).toBe(2);
  });

  it('GET with an unencoded URL source carrying its own ? and &', async () => {
    const a = await request(server, `/api/1/upload/?key=${server.aliceKey}&format=json&source=${originUrl}/pictures/wide.png?size=large&v=2`);
    expect(a.status, a.text).toBe(200);
    expect(imageOf(a).width).toBe(1200);
  });

  it('the key as a query parameter with a multipart body, and every URL variant', async () => {
    for (const path of ['/api/1/upload', '/api/1/upload/', `/api/1/upload?key=${server.aliceKey}`, `/api/1/upload/?key=${encodeURIComponent(server.aliceKey)}`]) {
      const headers = path.includes('key=') ? {} : key();
      const a = await uploadMultipart(server, { source: { file: fixturePath('tiny.png') } }, { headers, path });
      expect(a.status, `${path}: ${a.text}`).toBe(200);
    }
  });

  it('the key after the file in a multipart body', async () => {
    const form = new FormData();
    form.append('source', new Blob([new Uint8Array(await readFile(fixturePath('tiny.png')))]), 'tiny.png');
    form.append('key', server.aliceKey);
    const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
  });

  it('the ImgBB variant when `image` is sent', async () => {
    const b64 = (await readFile(fixturePath('small.jpg'))).toString('base64');
    const a = await uploadForm(server, { key: server.aliceKey, image: b64, name: 'imgbb style', expiration: '600' });
    expect(a.status, a.text).toBe(200);
    expect(Object.keys(a.json ?? {})).toEqual(['status_code', 'status', 'success', 'data', 'status_txt']);
    expect(a.json?.status).toBe(200);
    const data = a.json?.data as Record<string, unknown>;
    expect(data.id).toBe(data.id_encoded);
    expect(data.title).toBe('imgbb style');
    expect((await fetch(String(data.url))).status).toBe(200);
  });
});

describe('delete links', () => {
  it('POST deletes everything; a wrong secret is 404; DELETE answers JSON', async () => {
    const image = imageOf(await uploadMultipart(server, { source: { file: fixturePath('wide.png') } }, { headers: key() }));
    const del = new URL(String(image.delete_url));
    const wrong = del.pathname.replace(/[0-9a-f]{48}$/, 'a'.repeat(48));
    expect((await request(server, wrong)).status).toBe(404);
    expect((await request(server, wrong, { method: 'POST' })).status).toBe(404);
    expect((await fetch(String(image.url))).status).toBe(200);

    const done = await request(server, del.pathname, { method: 'POST' });
    expect(done.status).toBe(200);
    for (const u of [image.url, (image.thumb as { url: string }).url, (image.medium as { url: string }).url]) {
      expect((await fetch(String(u))).status).toBe(404);
    }
    expect((await request(server, String(image.path_viewer))).status).toBe(404);
    expect((await request(server, del.pathname)).status).toBe(404);
    expect(await server.c.db.images.findById(server.c.ids.decode(String(image.id_encoded))!)).toBeNull();

    const clip = imageOf(await uploadMultipart(server, { source: { file: fixturePath('clip.webm') } }, { headers: key() }));
    const d = await request(server, new URL(String(clip.delete_url)).pathname, { method: 'DELETE' });
    expect(d.json).toEqual({ status_code: 200, success: { message: 'file deleted', code: 200 }, status_txt: 'OK' });
    expect((await fetch(String(clip.url_frame))).status).toBe(404);
  });
});
