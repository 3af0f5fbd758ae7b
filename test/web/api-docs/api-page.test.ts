import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../../src/errors/catalogue.js';
import { SESSION_COOKIE } from '../../../src/http/web/web-context.js';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';
import { recipeText } from './page-recipes.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ PINHOLE_MAX_UPLOAD_MB: '8', PINHOLE_URL_UPLOADS: 'admins' });
});
afterAll(async () => {
  await server?.stop();
});

/** A logged-in browser of `username`: the session cookie the login form would set. */
async function cookieOf(username: string): Promise<string> {
  const user = await server.c.accounts.findUser(username);
  if (!user) throw new Error(`no user ${username}`);
  const session = await server.c.sessions.create(user);
  return `${SESSION_COOKIE}=${session.token}`;
}

async function page(path: string, cookie?: string): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

describe('/api-v1', () => {
  it('shows the seed’s content with this site’s URL and limits, to guests too', async () => {
    const { status, html, headers } = await page('/api-v1');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<h1>API version 1.1</h1>');
    expect(recipeText(html, 'upload-url')).toBe(`${server.url}/api/1/upload`);
    expect(html).toContain('X-API-Key: YOUR_API_KEY');
    expect(html).toContain('POST is recommended');
    expect(html).toContain('href="/login?next=%2Fapi-v1"');
    for (const name of ['source', 'key', 'title', 'description', 'tags', 'album_id', 'category_id', 'width', 'expiration', 'nsfw', 'format', 'use_file_date']) {
      expect(html, name).toContain(`<tr id="param-${name}">`);
    }
    expect(html).toContain('At most 8 MB per file');
    expect(html).toContain('URL sources are allowed for admin keys only.');
    expect(html).toContain('Allowed range: 5 min to 365 d');
    expect(html).toMatch(/optional, admin keys only/);
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(html, code).toMatch(new RegExp(`<tr id="error-${code}"><td>${entry.status}</td><td>${entry.chevereto}</td>`));
    }
    expect(JSON.parse(recipeText(html, 'error-envelope'))).toEqual({ status_code: 413, error: { message: 'File too big - max 8 MB', code: 400 }, status_txt: 'Payload Too Large' });
    expect(html).toContain('href="/openapi.json"');
    expect(html).toContain('href="/api-v1/clients"');
  });

  it('shows example answers made by the real presenter, with the fields a real upload has', async () => {
    const { html } = await page('/api-v1');
    const example = JSON.parse(recipeText(html, 'response-json')) as { status_code: number; image: Record<string, unknown> };
    expect(example.status_code).toBe(200);
    const real = await uploadMultipart(server, { source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(Object.keys(example.image)).toEqual(Object.keys(imageOf(real)));
    expect(String(example.image.url)).toMatch(new RegExp(`^${server.url}/images/`));
    expect(recipeText(html, 'response-txt')).toBe(example.image.url);
    expect(recipeText(html, 'response-redirect')).toBe(`HTTP/1.1 302 Found\nLocation: ${String(example.image.path_viewer)}`);
    expect(recipeText(html, 'curl')).toContain(`${server.url}/api/1/upload`);
  });

  it('follows settings an admin changes, at once', async () => {
    const done = await server.c.site.update({ maxUploadMb: '12', urlUploads: 'off' });
    expect(done.ok).toBe(true);
    try {
      const { html } = await page('/api-v1');
      expect(html).toContain('At most 12 MB per file');
      expect(html).toContain('URL sources are turned off on this site.');
    } finally {
      await server.c.site.update({}, ['maxUploadMb', 'urlUploads']);
    }
  });

  it('is in Simplified Chinese, error hints too', async () => {
    const { html } = await page('/api-v1?lang=zh-CN');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>API 版本 1.1</h1>');
    expect(html).toContain('访问密钥 ID');
    expect(html).toContain('请求方法');
    expect(html).toContain('推荐使用 POST');
    expect(html).toContain('在 <code>X-API-Key</code> 请求头(或 <code>key</code> 参数)中发送密钥');
    expect(html).not.toContain('Every account gets its own API keys');
  });

  it('shows a logged-in user the ID of their newest active key, never a secret', async () => {
    const cookie = await cookieOf('alice');
    const alice = await server.c.accounts.findUser('alice');
    const first = (await server.c.accounts.listKeys(alice?.id ?? 0))[0];
    if (!first) throw new Error('alice has no key');
    const newer = await server.c.accounts.createKey(alice?.id ?? 0, 'newer');
    const prefix = server.c.accounts.keyPrefix(newer.record);
    let { html } = await page('/api-v1', cookie);
    expect(html).toContain(`<code class="key-id" data-key-id>${prefix}</code>`);
    expect(html).toContain('href="/settings/api"');
    expect(html).not.toContain(newer.key);
    expect(html).not.toContain(server.aliceKey);
    expect(html).not.toContain(newer.key.slice(prefix.length));

    await server.c.accounts.revokeKey(newer.record.id);
    ({ html } = await page('/api-v1', cookie));
    expect(html).toContain(`data-key-id>${server.c.accounts.keyPrefix(first)}</code>`);
  });

  it('tells a user without keys where to make one', async () => {
    await server.c.accounts.createUser({ username: 'nokeys', password: 'nokeys-password' });
    const { html } = await page('/api-v1', await cookieOf('nokeys'));
    expect(html).toContain('You have no active API key yet.');
    expect(html).toContain('<a class="button" href="/settings/api">Create or view your API keys in settings</a>');
    expect(html).not.toContain('data-key-id');
  });

  it('is linked from every page’s footer and from the API key settings', async () => {
    expect((await page('/')).html).toMatch(/<footer>[\s\S]*<a href="\/api-v1">API<\/a>[\s\S]*<\/footer>/);
    const settings = await page('/settings/api', await cookieOf('alice'));
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('<a href="/api-v1">');
    expect(settings.html).toContain('<a href="/api-v1/clients">');
  });
});

describe('/api-v1/clients', () => {
  it('lists every client, with the site URL and a placeholder key, and links to the downloads', async () => {
    const { status, html } = await page('/api-v1/clients');
    expect(status).toBe(200);
    for (const id of ['sharex', 'picgo', 'typora', 'upic', 'shell', 'bookmarklet', 'cli']) expect(html, id).toContain(`<section id="${id}"`);
    expect(html).toContain(`${server.url}/api/1/upload`);
    expect(html).toContain('YOUR_API_KEY');
    expect(html).toContain('href="/settings/api"');
    expect(html).toContain('href="/api-v1"');
    // Guests get no key box; users get one that never holds a key.
    expect(html).not.toContain('id="api-key-fill"');
    const mine = await page('/api-v1/clients?lang=zh-CN', await cookieOf('alice'));
    expect(mine.html).toContain('id="api-key-fill"');
    expect(mine.html).toContain('客户端配置');
    expect(mine.html).not.toContain(server.aliceKey);
  });
});
