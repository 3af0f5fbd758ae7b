import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';
import { WebSession } from '../../helpers/web-session.js';

let server: TestServer;
let web: WebSession;
beforeAll(async () => {
  server = await startTestServer();
  web = new WebSession(server);
  const res = await web.submit('/signup', { username: 'mallory', password: 'mallory-password', confirm: 'mallory-password' });
  expect(res.status).toBe(303);
});
afterAll(async () => {
  await server?.stop();
});

/** Creates a key through the page and reads the plaintext from the answer. */
async function createKey(label: string): Promise<{ key: string; page: string }> {
  const res = await web.submit('/settings/api', { label });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const match = /<input id="new-key"[^>]* value="(chv_[A-Za-z0-9]+_[0-9a-f]+)"/.exec(res.text);
  if (!match?.[1]) throw new Error(`no key on the page: ${res.text.slice(0, 500)}`);
  return { key: match[1], page: res.text };
}

function upload(key: string) {
  return uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': key } });
}

async function downloadFile(kind: 'sharex' | 'picgo', key: string) {
  return web.submit(`/settings/api/${kind}`, { key }, { from: '/settings/api' });
}

describe('API keys in settings', () => {
  it('creates a key shown once, lists it by prefix, and the key uploads', async () => {
    const empty = await web.get('/settings/api');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('You have no API keys yet.');

    const { key, page } = await createKey('Laptop <ShareX>');
    expect(page).toContain('shown only once');
    expect(page).toContain('data-copy-target="new-key"');
    expect(page).toContain('src="/static/copy.js"');
    expect(page).toContain('Laptop &lt;ShareX&gt;');
    expect(page).not.toContain('Laptop <ShareX>');

    const list = await web.get('/settings/api');
    const prefix = key.slice(0, key.lastIndexOf('_') + 1);
    expect(list.text).toContain(`${prefix}…`);
    expect(list.text).not.toContain(key);
    expect(list.text).toContain('Laptop &lt;ShareX&gt;');
    expect(list.text).toContain('Never');
    expect(list.text).toContain('Active');

    const res = await upload(key);
    expect(res.status).toBe(200);
    const user = await server.c.accounts.findUser('mallory');
    const image = await server.c.db.images.findById(server.c.ids.decode(String(imageOf(res).id_encoded)) ?? 0);
    expect(image?.userId).toBe(user?.id);
    const used = await web.get('/settings/api');
    expect(used.text).not.toContain('>Never<');
  });

  it('revokes a key: it stops working and shows as revoked', async () => {
    const { key } = await createKey('to revoke');
    expect((await upload(key)).status).toBe(200);
    const encodedId = key.split('_')[1] ?? '';
    const res = await web.submit(`/settings/api/${encodedId}/revoke`, {}, { from: '/settings/api' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings/api?revoked=1');
    const list = await web.get('/settings/api?revoked=1');
    expect(list.text).toContain('The key was revoked.');
    expect(list.text).toContain('Revoked');
    expect((await upload(key)).status).toBe(401);
    // Revoking again, or someone else's key, is a 404.
    expect((await web.submit(`/settings/api/${encodedId}/revoke`, {}, { from: '/settings/api' })).status).toBe(404);
    const aliceKeyId = server.aliceKey.split('_')[1] ?? '';
    expect((await web.submit(`/settings/api/${aliceKeyId}/revoke`, {}, { from: '/settings/api' })).status).toBe(404);
    expect((await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } })).status).toBe(200);
  });

  it('refuses revocation without the CSRF token', async () => {
    const { key } = await createKey('kept');
    const encodedId = key.split('_')[1] ?? '';
    expect((await web.post(`/settings/api/${encodedId}/revoke`, {})).status).toBe(403);
    expect((await upload(key)).status).toBe(200);
  });

  it('builds a ShareX uploader around the key', async () => {
    const { key, page } = await createKey('ShareX');
    expect(page).toContain('formaction="/settings/api/sharex"');
    expect(page).toContain('formaction="/settings/api/picgo"');
    const res = await downloadFile('sharex', key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pinhole-127.0.0.1-' + new URL(server.url).port + '.sxcu"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const sxcu = JSON.parse(res.text) as Record<string, unknown>;
    expect(sxcu).toMatchObject({
      Name: `Pinhole (${new URL(server.url).host})`,
      DestinationType: 'ImageUploader, FileUploader',
      RequestMethod: 'POST',
      RequestURL: `${server.url}/api/1/upload`,
      Headers: { 'X-API-Key': key },
      Body: 'MultipartFormData',
      FileFormName: 'source',
      URL: '{json:image.url}',
      ThumbnailURL: '{json:image.thumb.url}',
      DeletionURL: '{json:image.delete_url}',
      ErrorMessage: '{json:error.message}',
    });
    expect(typeof sxcu.Version).toBe('string');

    // Do what ShareX does with it.
    const headers = sxcu.Headers as Record<string, string>;
    const form = new FormData();
    form.append(String(sxcu.FileFormName), new Blob([new Uint8Array(await readFile(fixturePath('small.jpg')))], { type: 'image/jpeg' }), 'shot.jpg');
    const sent = await fetch(String(sxcu.RequestURL), { method: String(sxcu.RequestMethod), headers, body: form });
    expect(sent.status).toBe(200);
    const answer = (await sent.json()) as { image: { url: string; thumb: { url: string }; delete_url: string } };
    expect(answer.image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\//);
    expect((await fetch(answer.image.thumb.url)).status).toBe(200);
    expect(answer.image.delete_url).toContain('/delete/');
  });

  it('builds a PicGo configuration with both plugin sections', async () => {
    const { key } = await createKey('PicGo');
    const res = await downloadFile('picgo', key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="pinhole-.*-picgo\.json"$/);
    const config = JSON.parse(res.text) as { picBed: Record<string, Record<string, string>> };
    const section = config.picBed['web-uploader'];
    expect(section).toMatchObject({ url: `${server.url}/api/1/upload`, paramName: 'source', jsonPath: 'image.url' });
    expect(JSON.parse(section?.customHeader ?? '{}')).toEqual({ 'X-API-Key': key });
    expect(config.picBed.chevereto).toMatchObject({ url: `${server.url}/api/1/upload`, key, source_param: 'source' });

    // The chevereto plugin sends the key as a form field and reads image.url.
    const form = new FormData();
    form.append('key', config.picBed.chevereto?.key ?? '');
    form.append('format', 'json');
    form.append('source', new Blob([new Uint8Array(await readFile(fixturePath('tiny.png')))], { type: 'image/png' }), 'paste.png');
    const sent = await fetch(config.picBed.chevereto?.url ?? '', { method: 'POST', body: form });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { image: { url: string } }).image.url).toMatch(/\.png$/);
  });

  it('builds the files for a saved key, but only for an active key of this account', async () => {
    const { key } = await createKey('saved');
    const list = await web.get('/settings/api');
    expect(list.text).toContain('name="key"');
    expect((await downloadFile('sharex', key)).status).toBe(200);
    const foreign = await downloadFile('sharex', server.aliceKey);
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('not an active API key of your account');
    expect(foreign.text).not.toContain(server.aliceKey);
    expect((await downloadFile('picgo', 'chv_nope_' + '0'.repeat(64))).status).toBe(400);
    expect((await web.post('/settings/api/sharex', { key })).status).toBe(403);
  });

  it('is in Chinese too', async () => {
    const page = await web.get('/settings/api?lang=zh-CN');
    expect(page.text).toContain('创建密钥');
    expect(page.text).toContain('最后使用');
    expect(page.text).toContain('撤销');
  });
});
