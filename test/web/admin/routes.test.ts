import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { saveSettings, signedIn, textOf } from '../../helpers/admin.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';
import type { WebSession } from '../../helpers/web-session.js';

let server: TestServer;
let admin: WebSession;
beforeAll(async () => {
  server = await startTestServer();
  admin = await signedIn(server, 'admin');
});
afterAll(async () => {
  await server?.stop();
});

const upload = async (file: string) => imageOf(await uploadMultipart(server, { source: { file: fixturePath(file) } }, { headers: { 'x-api-key': server.aliceKey } }));
const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });

describe('viewer route names changed in the dashboard', () => {
  it('refuses reserved and malformed names', async () => {
    for (const name of ['upload', 'explore', 'dashboard', 'api', 'images', 'static', 'user', 'album', 'tag', 'search', 'oembed', 'healthz', 'json', 'login']) {
      const res = await saveSettings(admin, { routeImage: name });
      expect(res.status, name).toBe(400);
      expect(textOf(res.text)).toContain('This name is used by another page of the site');
    }
    for (const name of ['Pics', '9pics', 'pi/cs', '', 'a'.repeat(40)]) {
      expect((await saveSettings(admin, { routeImage: name })).status, name).toBe(400);
    }
    expect(server.c.site.values.routeImage).toBe('image');
  });

  it('serves new links at once and keeps the site’s own pages in front', async () => {
    const before = await upload('small.jpg');
    const oldPath = new URL(String(before.url_viewer)).pathname;
    expect(oldPath).toMatch(/^\/image\//);

    expect((await saveSettings(admin, { routeImage: 'pics', routeVideo: 'movie' })).status).toBe(303);
    const image = await upload('tiny.png');
    const video = await upload('clip.mp4');
    const imagePath = new URL(String(image.url_viewer)).pathname;
    const videoPath = new URL(String(video.url_viewer)).pathname;
    expect(imagePath).toMatch(/^\/pics\//);
    expect(videoPath).toMatch(/^\/movie\//);
    expect(String(image.url_short)).toContain('/pics/');
    expect(String(image.delete_url)).toContain('/pics/');
    expect((await get(imagePath)).status).toBe(200);
    expect((await get(videoPath)).status).toBe(200);

    // A link handed out under the former name leads to the new one.
    const moved = await get(oldPath);
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe(oldPath.replace('/image/', '/pics/'));
    expect((await get(`/clip/${String(video.id_encoded)}`)).status).toBe(302);

    // The delete link works under the new name.
    const del = await fetch(String(image.delete_url), { method: 'POST', redirect: 'manual' });
    expect(del.status).toBe(200);
    expect((await get(imagePath)).status).toBe(404);

    // Fixed paths still win over the viewer's parametric route.
    expect((await get('/upload')).status).toBe(200);
    expect((await get('/explore')).status).toBe(200);
    expect((await get('/user/alice')).status).toBe(200);
    expect((await get('/search?q=x')).status).toBe(200);
    expect((await get('/login')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/static/site.css')).status).toBe(200);
    expect((await get('/dashboard/users')).status).toBe(303);
    expect((await admin.get('/dashboard/settings')).status).toBe(200);
    const api = await get('/api/1/upload');
    expect(api.status).toBeGreaterThanOrEqual(400);
    expect(((await api.json()) as { status_code: number }).status_code).toBe(api.status);
    expect((await get(String(before.url).replace(server.url, ''))).status).toBe(200);
    // Unknown first segments are simply not found.
    expect((await get(`/nothing/${String(image.id_encoded)}`)).status).toBe(404);
    expect((await get('/upload/anything')).status).toBe(404);
  });
});
