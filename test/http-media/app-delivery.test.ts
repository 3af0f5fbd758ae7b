/**
 * Stored files in the whole app: /images/ never runs the website's per-request work (the site
 * settings check, cookie parsing), whether the answer comes from the fast lane or the route.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { RawClient, type WireResponse } from '../helpers/raw-socket.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function upload(): Promise<{ thumb: string; page: string }> {
  const form = new FormData();
  form.append('source', new Blob([new Uint8Array(await readFile(fixturePath('photo.jpg')))]), 'photo.jpg');
  const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', body: form, headers: { 'x-api-key': server.aliceKey } });
  const json = (await res.json()) as { image: { url_viewer: string; thumb: { url: string } } };
  return { thumb: new URL(json.image.thumb.url).pathname, page: new URL(json.image.url_viewer).pathname };
}

describe('stored files skip the website’s hooks', () => {
  it('checks the site settings for pages, never for /images/', async () => {
    const { thumb, page } = await upload();
    const stale = vi.spyOn(server.c.site, 'isStale').mockReturnValue(true);
    const refresh = vi.spyOn(server.c.site, 'refreshIfStale');
    try {
      for (const path of [thumb, thumb, '/images/2024/01/01/missing.jpg']) {
        const res = await fetch(`${server.url}${path}`, { headers: { cookie: 'ph_lang=zh-CN; ph_bid=not-a-valid-id' } });
        expect(res.headers.get('set-cookie')).toBeNull();
        await res.arrayBuffer();
      }
      expect(refresh).not.toHaveBeenCalled();
      const viewer = await fetch(`${server.url}${page}`, { headers: { cookie: 'ph_lang=zh-CN' } });
      expect(viewer.status).toBe(200);
      // Cookies are still read by pages (the language) and set (the browser id).
      expect(await viewer.text()).toContain('lang="zh-CN"');
      expect(viewer.headers.get('set-cookie')).toContain('ph_bid=');
      expect(refresh).toHaveBeenCalled();
    } finally {
      stale.mockRestore();
      refresh.mockRestore();
    }
  });
});

describe('stored files from the socket front', () => {
  it('answers a connection that asks only for stored files as the rest of the app would', async () => {
    const { thumb, page } = await upload();
    const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;
    // The first request for the file is the route's (nothing known yet); it caches the bytes.
    const first = await RawClient.open(server.url);
    await first.write(get(thumb));
    const fromRoute = await first.next();
    // A new connection asking for it again: the front answers.
    const fresh = await RawClient.open(server.url);
    await fresh.write(get(thumb));
    const fromFront = await fresh.next();
    await fresh.write(get(thumb, `If-None-Match: ${fromFront.headers.etag}\r\n`));
    const notModified = await fresh.next();
    // A browser's connection that loaded the page first: node:http, then the lane behind it.
    const browser = await RawClient.open(server.url);
    await browser.write(get(page));
    expect((await browser.next()).status).toBe(200);
    await browser.write(get(thumb));
    const fromLane = await browser.next();

    const withoutDate = (r: WireResponse) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'date'));
    for (const answer of [fromFront, fromLane]) {
      expect(answer.status).toBe(200);
      expect(withoutDate(answer)).toEqual(withoutDate(fromRoute));
      expect(answer.body.equals(fromRoute.body)).toBe(true);
    }
    expect(fromFront.headers['keep-alive']).toMatch(/^timeout=\d+$/);
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(fromFront.headers.etag);
    for (const c of [first, fresh, browser]) c.destroy();
  });
});
