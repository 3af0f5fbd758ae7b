/**
 * The website's upload endpoint `POST /json/upload` and the uploader's settings, over real HTTP with
 * cookies: logged-in users, guests and their session, CSRF refusals, and errors in the envelope.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { footprint } from '../../helpers/upload.js';
import { embeddedConfig, loggedIn, WebClient } from './web-client.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const jpeg = { file: fixturePath('photo.jpg'), type: 'image/jpeg' };
const png = { file: fixturePath('tiny.png'), type: 'image/png' };

function imageOf(json: Record<string, unknown> | null): Record<string, unknown> {
  const image = json?.image;
  if (!image || typeof image !== 'object') throw new Error(`no image: ${JSON.stringify(json).slice(0, 300)}`);
  return image as Record<string, unknown>;
}

async function sessionOf(client: WebClient) {
  return server.c.sessions.load(client.cookies.get('ph_session'));
}

describe('the uploader page and its settings', () => {
  it('shows the formats and the limit, and embeds the settings for a guest', async () => {
    const client = new WebClient(server);
    const page = await client.open('/upload');
    expect(page.status).toBe(200);
    expect(page.text).toContain('JPG JPEG PNG BMP GIF WEBP MOV MP4 WEBM max 5 MB');
    expect(page.text).toContain('<script type="module" src="/static/uploader.js"></script>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const config = embeddedConfig(page.text);
    expect(config).toMatchObject({ guest: true, sessionPending: true, maxBytes: 5_000_000, maxLabel: '5 MB', canCreateAlbum: false, urlUploads: true });
    expect(config.formats).toEqual(['JPG', 'JPEG', 'PNG', 'BMP', 'GIF', 'WEBP', 'MOV', 'MP4', 'WEBM']);
    const expirations = config.expirations as Array<{ value: string; label: string }>;
    expect(expirations[0]).toEqual({ value: '', label: "Don't auto delete" });
    expect(expirations.map((x) => x.value)).toContain('PT5M');
    expect(expirations.map((x) => x.value)).toContain('P1Y');
    const messages = config.messages as Record<string, string>;
    expect(messages['upload.complete']).toBe('Upload complete');
    expect(Object.keys(messages).every((k) => k.startsWith('upload.') || k === 'common.copy' || k === 'common.copied')).toBe(true);
  });

  it('is the home page too, and speaks zh-CN with the seed strings', async () => {
    const client = new WebClient(server);
    const home = await client.open('/?lang=zh-CN');
    expect(home.status).toBe(200);
    expect(home.text).toContain('将文件拖放或粘贴到此处进行上传');
    expect(home.text).toContain('JPG JPEG PNG BMP GIF WEBP MOV MP4 WEBM 最大 5 MB');
    expect(home.text).toContain('浏览您的计算机');
    const messages = embeddedConfig(home.text).messages as Record<string, string>;
    expect(messages['upload.complete']).toBe('上传完毕');
    expect(messages['upload.uploading']).toBe('上传 {count} 文件 ({percent}% 完成)');
    expect((await client.request('/healthz')).status).toBe(200);
  });

  it('lists the albums and the default auto-delete of a logged-in user', async () => {
    const alice = await server.c.db.users.findByUsername('alice');
    if (!alice) throw new Error('alice missing');
    const holiday = await server.c.db.albums.create({ userId: alice.id, name: 'Holiday <2024>', description: null, privacy: 'public', createdAt: new Date() });
    const admin = await server.c.db.users.findByUsername('admin');
    const foreign = await server.c.db.albums.create({ userId: admin?.id ?? 0, name: 'Not hers', description: null, privacy: 'public', createdAt: new Date() });
    await server.c.db.users.update(alice.id, { defaultExpiration: 'P1D' });
    try {
      const client = await loggedIn(server, 'alice');
      const answer = await client.request('/json/upload-settings');
      expect(answer.status).toBe(200);
      const settings = answer.json?.settings as Record<string, unknown>;
      expect(settings).toMatchObject({ guest: false, sessionPending: false, canCreateAlbum: true, defaultExpiration: 'P1D', profileUrl: '/user/alice' });
      expect(settings.albums).toEqual([expect.objectContaining({ name: 'Holiday <2024>' })]);
      const page = await client.open('/upload');
      expect(page.text).toContain('Holiday &lt;2024&gt;');
      expect(page.text).not.toContain('Holiday <2024>');
      expect(page.text).not.toContain('Not hers');
      // `/upload?toAlbum=` preselects an owned album for every file, and ignores anyone else's.
      const holidayId = server.c.ids.encode(holiday.id);
      const preselected = await client.open(`/upload?toAlbum=${holidayId}`);
      expect(embeddedConfig(preselected.text).preselectedAlbum).toBe(holidayId);
      expect(preselected.text).toContain(`<option value="${holidayId}" selected>`);
      const other = await client.open(`/upload?toAlbum=${server.c.ids.encode(foreign.id)}`);
      expect(embeddedConfig(other.text).preselectedAlbum).toBe('');
    } finally {
      await server.c.db.users.update(alice.id, { defaultExpiration: null });
    }
  });
});

describe('POST /json/upload', () => {
  it('stores a logged-in upload with its options and answers the image, delete link and embed codes', async () => {
    const client = await loggedIn(server, 'alice');
    const answer = await client.upload({ title: 'Sunset over the bay', tags: 'sea, evening', nsfw: '1', expiration: 'PT1H', type: 'file', source: jpeg });
    expect(answer.status).toBe(200);
    expect(answer.json?.status_code).toBe(200);
    const image = imageOf(answer.json);
    expect(image.title).toBe('Sunset over the bay');
    expect(typeof image.delete_url).toBe('string');
    const embeds = answer.json?.embeds as Array<{ group: string; id: string; value: string }>;
    expect(embeds.find((x) => x.id === 'delete-links')?.value).toBe(image.delete_url);
    expect(embeds.find((x) => x.id === 'direct-links')?.value).toBe(image.url);
    expect(embeds.find((x) => x.id === 'bbcode-embed')?.value).toBe(`[img]${String(image.url)}[/img]`);
    const stored = await server.c.db.images.findById(server.c.ids.decode(String(image.id_encoded)) ?? 0);
    const alice = await server.c.db.users.findByUsername('alice');
    expect(stored?.userId).toBe(alice?.id);
    expect(stored?.nsfw).toBe(true);
    expect(stored?.expiresAt).not.toBeNull();
    expect([...(stored?.tags ?? [])].sort()).toEqual(['evening', 'sea']);
    const direct = await fetch(String(image.url));
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-type')).toBe('image/jpeg');
  });

  it("puts the upload in the user's album and honours \"Don't auto delete\" over the account default", async () => {
    const alice = await server.c.db.users.findByUsername('alice');
    if (!alice) throw new Error('alice missing');
    const album = await server.c.db.albums.create({ userId: alice.id, name: 'Mine', description: null, privacy: 'public', createdAt: new Date() });
    await server.c.db.users.update(alice.id, { defaultExpiration: 'P1D' });
    try {
      const client = await loggedIn(server, 'alice');
      const never = imageOf((await client.upload({ album_id: server.c.ids.encode(album.id), expiration: '', source: png })).json);
      const byDefault = imageOf((await client.upload({ source: png })).json);
      const first = await server.c.db.images.findById(server.c.ids.decode(String(never.id_encoded)) ?? 0);
      const second = await server.c.db.images.findById(server.c.ids.decode(String(byDefault.id_encoded)) ?? 0);
      expect(first?.albumId).toBe(album.id);
      expect(first?.expiresAt).toBeNull();
      expect(second?.expiresAt).not.toBeNull();
      // Another user's album is "not found".
      const bob = await server.c.accounts.createUser({ username: 'bob-albums', password: 'bob-password' });
      const bobs = await server.c.db.albums.create({ userId: bob.id, name: 'Bob', description: null, privacy: 'public', createdAt: new Date() });
      const refused = await client.upload({ album_id: server.c.ids.encode(bobs.id), source: png });
      expect(refused.status).toBe(404);
      expect(refused.json).toMatchObject({ status_code: 404, error: { message: 'Album not found' }, status_txt: 'Not Found' });
    } finally {
      await server.c.db.users.update(alice.id, { defaultExpiration: null });
    }
  });

  it('refuses a request without the CSRF token, with a wrong one, or from another origin, storing nothing', async () => {
    const client = await loggedIn(server, 'alice');
    const before = await footprint(server);
    const none = await client.upload({ source: jpeg }, { csrf: null });
    expect(none.status).toBe(403);
    expect(none.json).toMatchObject({ status_code: 403, status_txt: 'Forbidden' });
    expect((none.json?.error as Record<string, unknown>).message).toMatch(/expired/);
    const wrong = await client.upload({ source: jpeg }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const foreign = await client.upload({ source: jpeg }, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    // Another browser's token does not fit this session.
    const other = new WebClient(server);
    await other.open('/upload');
    expect((await client.upload({ source: jpeg }, { csrf: other.csrf })).status).toBe(403);
    expect(await footprint(server)).toEqual(before);
  });

  it('answers errors in the envelope with their status, in the page language', async () => {
    const client = await loggedIn(server, 'alice');
    const fake = await client.upload({ source: { file: fixturePath('fake.jpg'), filename: 'fake.png', type: 'image/png' } });
    expect(fake.status).toBe(415);
    expect(fake.json).toMatchObject({ status_code: 415, error: { message: 'Unavailable image format', code: 613 }, status_txt: 'Unsupported Media Type' });
    const empty = await client.upload({ title: 'nothing' });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({ error: { message: 'Empty upload source' } });
    // Base64 is for API clients; the website sends files and URLs.
    const base64 = await client.upload({ source: 'aGVsbG8=' });
    expect(base64.status).toBe(400);
    expect(base64.json).toMatchObject({ error: { message: 'Invalid image URL' } });
    const form = new FormData();
    form.append('source', new Blob([new Uint8Array(await readFile(png.file))], { type: 'image/png' }), 'a.png');
    form.append('source', new Blob([new Uint8Array(await readFile(png.file))], { type: 'image/png' }), 'b.png');
    const twice = await client.request('/json/upload', { method: 'POST', body: form, headers: { 'x-csrf-token': client.csrf } });
    expect(twice.status).toBe(400);
    expect(twice.json).toMatchObject({ error: { message: 'Only one upload source is allowed' } });
    const badWidth = await client.upload({ width: 'wide', source: jpeg });
    expect(badWidth.status).toBe(400);
    const notMultipart = await client.request('/json/upload', { method: 'POST', headers: { 'x-csrf-token': client.csrf, 'content-type': 'application/json' }, body: '{}' });
    expect(notMultipart.status).toBe(415);
    expect(notMultipart.json?.status_code).toBe(415);

    await client.request('/upload?lang=zh-CN');
    const zh = await client.upload({ source: { file: fixturePath('fake.jpg'), filename: 'fake.png', type: 'image/png' } });
    expect(zh.status).toBe(415);
    expect((zh.json?.error as Record<string, unknown>).message).toBe('文件格式无效或不受支持。');
    const ok = await client.upload({ source: png });
    expect(imageOf(ok.json).views_label).toBe('次浏览');
    await client.request('/upload?lang=en');
  });

  it('refuses a file over the limit with the limit in the message', async () => {
    const small = await startTestServer({ PINHOLE_MAX_UPLOAD_MB: '0.05' });
    try {
      const client = await loggedIn(small, 'alice');
      const before = await footprint(small);
      const big = await client.upload({ source: jpeg });
      expect(big.status).toBe(413);
      expect(big.json).toMatchObject({ status_code: 413, error: { message: 'File too big - max 0.05 MB' } });
      expect(await footprint(small)).toEqual(before);
      expect(embeddedConfig((await client.open('/upload')).text).maxLabel).toBe('0.05 MB');
    } finally {
      await small.stop();
    }
  });

  it('fetches a URL source, when URL uploads are allowed for the visitor', async () => {
    const client = await loggedIn(server, 'alice');
    const first = imageOf((await client.upload({ source: png })).json);
    const byUrl = await client.upload({ type: 'url', source: String(first.url) });
    expect(byUrl.status).toBe(200);
    expect(imageOf(byUrl.json).url).not.toBe(first.url);

    const adminsOnly = await startTestServer({ PINHOLE_URL_UPLOADS: 'admins' });
    try {
      const guest = new WebClient(adminsOnly);
      const page = await guest.open('/upload');
      expect(embeddedConfig(page.text).urlUploads).toBe(false);
      expect(page.text).not.toContain('id="up-add-urls"');
      const refused = await guest.upload({ type: 'url', source: String(first.url) });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ error: { message: 'URL uploading is disabled' } });
      const admin = await loggedIn(adminsOnly, 'admin');
      expect(embeddedConfig((await admin.open('/upload')).text).urlUploads).toBe(true);
    } finally {
      await adminsOnly.stop();
    }
  });
});

describe('guest uploads', () => {
  it('creates a session on the first upload, hands out its CSRF token, and records every upload in it', async () => {
    const guest = new WebClient(server);
    await guest.open('/upload');
    const browserToken = guest.csrf;
    expect(guest.cookies.has('ph_session')).toBe(false);
    const first = await guest.upload({ source: jpeg });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-csrf-token')).toBeTruthy();
    expect(guest.cookies.has('ph_session')).toBe(true);
    expect(guest.csrf).not.toBe(browserToken);
    // The page's old token no longer fits now that there is a session.
    expect((await guest.upload({ source: png }, { csrf: browserToken })).status).toBe(403);

    // Parallel uploads of one browser must all be remembered.
    const more = await Promise.all([guest.upload({ source: png }), guest.upload({ source: jpeg }), guest.upload({ source: png })]);
    expect(more.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(more.every((a) => a.headers.get('x-csrf-token') === null)).toBe(true);
    const ids = [first, ...more].map((a) => server.c.ids.decode(String(imageOf(a.json).id_encoded)));
    const session = await sessionOf(guest);
    expect(session?.user).toBeNull();
    expect([...(session?.data.guestImages ?? [])].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await server.c.db.images.findById(id ?? 0))?.userId).toBeNull();

    // Logging in adopts them.
    const carol = await server.c.accounts.createUser({ username: 'carol-guest', password: 'carol-password' });
    const { adopted } = await server.c.sessions.login(session, carol);
    expect(adopted).toBe(4);
    for (const id of ids) expect((await server.c.db.images.findById(id ?? 0))?.userId).toBe(carol.id);
  });

  it('keeps guests out when guest uploads are off', async () => {
    const closed = await startTestServer({ PINHOLE_GUEST_UPLOADS: 'false' });
    try {
      const guest = new WebClient(closed);
      const upload = await guest.request('/upload');
      expect(upload.status).toBe(303);
      expect(upload.headers.get('location')).toBe('/login?next=%2Fupload');
      const home = await guest.open('/');
      expect(home.status).toBe(200);
      expect(home.text).not.toContain('uploader-config');
      expect(home.text).toContain('href="/login?next=%2Fupload"');
      const refused = await guest.upload({ source: jpeg });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ status_code: 403, error: { message: 'You must log in to upload files.' } });
      expect((await guest.request('/json/upload-settings')).status).toBe(403);
      const user = await loggedIn(closed, 'alice');
      expect((await user.upload({ source: jpeg })).status).toBe(200);
      // The dashboard's setting is read on every request.
      expect(await closed.c.site.update({ guestUploads: 'on' })).toMatchObject({ ok: true });
      expect((await guest.upload({ source: jpeg })).status).toBe(200);
      expect(embeddedConfig((await guest.open('/')).text).guest).toBe(true);
    } finally {
      await closed.stop();
    }
  });
});
