/** Real answers of the website's JSON API (`/json/*`) against the schemas `/openapi.json` declares. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/web/web-context.js';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { WebSession } from '../helpers/web-session.js';
import { OpenApiValidator, type Json } from './openapi-validator.js';

let server: TestServer;
let closed: TestServer;
let validator: OpenApiValidator;

beforeAll(async () => {
  [server, closed] = await Promise.all([startTestServer(), startTestServer({ PINHOLE_GUEST_UPLOADS: 'off' })]);
  validator = new OpenApiValidator((await (await fetch(`${server.url}/openapi.json`)).json()) as Json);
});
afterAll(async () => {
  await Promise.all([server?.stop(), closed?.stop()]);
});

async function browserOf(s: TestServer, username: string | null): Promise<WebSession> {
  const web = new WebSession(s);
  if (username) {
    const user = await s.c.accounts.findUser(username);
    if (!user) throw new Error(`no user ${username}`);
    web.cookies.set(SESSION_COOKIE, (await s.c.sessions.create(user)).token);
  }
  return web;
}

function fits(path: string, method: string, status: number, text: string): Json {
  const body = JSON.parse(text) as Json;
  expect(body.status_code).toBe(status);
  expect(validator.check(path, method, status, 'application/json', body)).toEqual([]);
  return body;
}

async function uploadForm(file: string, extra: Record<string, string> = {}): Promise<FormData> {
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append('source', new Blob([new Uint8Array(await readFile(fixturePath(file)))]), file);
  return form;
}

describe('the native JSON API fits the document', () => {
  it('GET /json/upload-settings, for a user, a guest, and where guests may not upload', async () => {
    const alice = await browserOf(server, 'alice');
    for (const web of [alice, await browserOf(server, null)]) {
      const a = await web.get('/json/upload-settings');
      fits('/json/upload-settings', 'get', 200, a.text);
    }
    const refused = await (await browserOf(closed, null)).get('/json/upload-settings');
    fits('/json/upload-settings', 'get', 403, refused.text);
  });

  it('POST /json/upload: an upload with its embed codes, and its refusals', async () => {
    const web = await browserOf(server, 'alice');
    const token = await web.csrf('/upload');
    const ok = await web.request('/json/upload', { method: 'POST', headers: { 'x-csrf-token': token }, body: await uploadForm('photo.jpg', { title: 'From the site', nsfw: '0' }) });
    const body = fits('/json/upload', 'post', 200, ok.text);
    expect((body.embeds as unknown[]).length).toBeGreaterThan(5);

    const clip = await web.request('/json/upload', { method: 'POST', headers: { 'x-csrf-token': token }, body: await uploadForm('clip.mp4') });
    fits('/json/upload', 'post', 200, clip.text);

    const noToken = await web.request('/json/upload', { method: 'POST', body: await uploadForm('small.jpg') });
    fits('/json/upload', 'post', 403, noToken.text);
    const damaged = await web.request('/json/upload', { method: 'POST', headers: { 'x-csrf-token': token }, body: await uploadForm('truncated.jpg') });
    fits('/json/upload', 'post', 422, damaged.text);
  });

  it('POST /json/albums: created, and refused for guests', async () => {
    const web = await browserOf(server, 'alice');
    const token = await web.csrf('/upload');
    const made = await web.request('/json/albums', { method: 'POST', headers: { 'x-csrf-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Holiday' }) });
    fits('/json/albums', 'post', 200, made.text);
    const guest = await browserOf(server, null);
    const guestToken = await guest.csrf('/upload');
    const refused = await guest.request('/json/albums', { method: 'POST', headers: { 'x-csrf-token': guestToken, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Nope' }) });
    fits('/json/albums', 'post', 401, refused.text);
  });

  it('documents every /json route the server has, and only those', async () => {
    const documented = Object.entries(validator.doc.paths as Record<string, Json>).filter(([p]) => p.startsWith('/json'));
    for (const [route, item] of documented) {
      for (const method of Object.keys(item)) {
        expect(server.app.hasRoute({ method: method.toUpperCase() as 'GET', url: route.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${route}`).toBe(true);
      }
    }
    // Routes are declared in the source as app.get('/json/…') and the like.
    const root = fileURLToPath(new URL('../../src/http/', import.meta.url));
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const served = new Set<string>();
    for (const file of files) {
      const source = await readFile(path.join(root, file), 'utf8');
      for (const m of source.matchAll(/app\.(get|post|put|patch|delete)(?:<[^>]*>)?\(\s*['"`](\/json\/[^'"`]+)['"`]/g)) served.add(`${m[1]} ${m[2]}`);
    }
    expect(served.size).toBeGreaterThan(0);
    const declared = new Set(documented.flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p.replace(/\{(\w+)\}/g, ':$1')}`)));
    for (const route of served) expect(declared, `${route} is served but not in /openapi.json`).toContain(route);
  });
});
