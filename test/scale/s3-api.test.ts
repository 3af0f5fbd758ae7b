import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';
import { imageOf, request, uploadMultipart } from '../helpers/upload.js';

let s3: TestS3;
let server: TestServer;

beforeAll(async () => {
  s3 = await startTestS3({ prefix: 'site/' });
  server = await startTestServer(s3.env);
});

afterAll(async () => {
  await server?.stop();
  await s3?.stop();
});

async function objectBytes(key: string): Promise<Buffer> {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function localFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Every media URL of an API image object. */
function mediaUrls(image: Record<string, unknown>): string[] {
  const urls = [String(image.url)];
  for (const part of ['thumb', 'medium', 'frame'] as const) {
    const url = (image[part] as { url?: unknown } | undefined)?.url;
    if (typeof url === 'string' && url !== '') urls.push(url);
  }
  return urls;
}

describe('PINHOLE_STORAGE=s3: uploads go to the bucket and are served through Pinhole', () => {
  it('stores an image and a clip with every derivative in the bucket, serves each URL, and deletes them all', async () => {
    const photo = imageOf(await uploadMultipart(server, { source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': server.aliceKey } }));
    const clip = imageOf(await uploadMultipart(server, { source: { file: fixturePath('clip.mp4') } }, { headers: { 'x-api-key': server.aliceKey } }));
    const keys = await s3.keys();
    // photo: image, medium, thumb; clip: video, frame, thumb (and its medium when the frame is wide).
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(key).toMatch(/^site\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9._-]+$/);
    // Nothing stays on the local disk: no stored files, and the temp folder is empty again.
    expect(await localFiles(path.join(server.dataDir, 'images'))).toEqual([]);
    expect(await localFiles(path.join(server.dataDir, 'tmp'))).toEqual([]);

    for (const image of [photo, clip]) {
      for (const url of mediaUrls(image)) {
        expect(url.startsWith(`${server.url}/images/`), url).toBe(true);
        const key = `site/${url.slice(`${server.url}/images/`.length)}`;
        expect(keys).toContain(key);
        const res = await fetch(url);
        expect(res.status, url).toBe(200);
        const body = Buffer.from(await res.arrayBuffer());
        expect(body.equals(await objectBytes(key)), url).toBe(true);
        const etag = res.headers.get('etag');
        expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
        expect((await fetch(url, { headers: { 'if-none-match': etag! } })).status).toBe(304);
      }
    }

    // The clip plays: a byte range comes back as 206 with exactly those bytes.
    const clipUrl = String(clip.url);
    const whole = Buffer.from(await (await fetch(clipUrl)).arrayBuffer());
    const ranged = await fetch(clipUrl, { headers: { range: 'bytes=100-4195' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-4195/${whole.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(100, 4196))).toBe(true);
    const tail = await fetch(clipUrl, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(whole.length - 10))).toBe(true);
    expect((await fetch(`${server.url}/images/2020/01/01/missing.jpg`)).status).toBe(404);

    for (const image of [photo, clip]) {
      const d = await request(server, new URL(String(image.delete_url)).pathname, { method: 'DELETE' });
      expect(d.status, d.text).toBe(200);
      for (const url of mediaUrls(image)) expect((await fetch(url)).status).toBe(404);
    }
    expect(await s3.keys()).toEqual([]);
  });
});

describe('PINHOLE_MEDIA_BASE_URL', () => {
  let cdn: TestServer;
  beforeAll(async () => {
    cdn = await startTestServer({ ...s3.env, PINHOLE_MEDIA_BASE_URL: 'https://cdn.example.test/site/' });
  });
  afterAll(async () => {
    await cdn?.stop();
  });

  it('points every media URL of answers and pages at the CDN', async () => {
    const a = await uploadMultipart(cdn, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': cdn.aliceKey } });
    const image = imageOf(a);
    for (const url of mediaUrls(image)) expect(url).toMatch(/^https:\/\/cdn\.example\.test\/site\/\d{4}\/\d{2}\/\d{2}\//);
    // The viewer page shows the picture from the CDN too, and links nothing under /images/.
    const page = await request(cdn, new URL(String(image.url_viewer)).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain(String(image.url));
    expect(page.text).not.toContain(`${cdn.url}/images/`);
    // …and the page's Content-Security-Policy lets the browser load it.
    expect(page.headers.get('content-security-policy')).toMatch(/img-src 'self' http:\/\/127\.0\.0\.1:\d+ https:\/\/cdn\.example\.test /);
    // The key in the CDN URL is the object's key without the prefix the base URL already carries.
    const key = `site/${String(image.url).slice('https://cdn.example.test/site/'.length)}`;
    expect(await s3.keys()).toContain(key);
    await request(cdn, new URL(String(image.delete_url)).pathname, { method: 'DELETE' });
  });
});
