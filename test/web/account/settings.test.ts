import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';
import { WebSession } from '../../helpers/web-session.js';

const GUEST_KEY = 'guest-key-for-account-tests';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PINHOLE_GUEST_KEY: GUEST_KEY });
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  server.clock.advance(16 * 60_000);
});

async function signUp(username: string, password = `${username}-password`, web = new WebSession(server)) {
  const res = await web.submit('/signup', { username, password, confirm: password });
  expect(res.status).toBe(303);
  const user = await server.c.accounts.findUser(username);
  if (!user) throw new Error('no user');
  return { web, user };
}

async function fresh(username: string) {
  const user = await server.c.accounts.findUser(username);
  if (!user) throw new Error('no user');
  return user;
}

describe('account settings', () => {
  it('saves email and language; the language then applies to every page', async () => {
    const { web } = await signUp('grace');
    const res = await web.submit('/settings', { email: 'grace@example.com', language: 'zh-CN' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings?saved=1');
    const user = await fresh('grace');
    expect(user.email).toBe('grace@example.com');
    expect(user.language).toBe('zh-CN');
    const page = await web.get('/settings?saved=1', { 'accept-language': 'en' });
    expect(page.text).toContain('<html lang="zh-CN">');
    expect(page.text).toContain('已保存。');
    expect(page.text).toContain('<option value="zh-CN" lang="zh-CN" selected>');

    await web.submit('/settings', { email: '', language: '' });
    const cleared = await fresh('grace');
    expect(cleared.email).toBeNull();
    expect(cleared.language).toBeNull();
  });

  it('refuses an invalid email', async () => {
    const { web } = await signUp('heidi');
    const res = await web.submit('/settings', { email: 'not an email', language: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('does not look valid');
    expect((await fresh('heidi')).email).toBeNull();
  });
});

describe('password', () => {
  it('changes the password and logs out every other session, keeping this browser in', async () => {
    const { web } = await signUp('ivan', 'ivan-password-1');
    const other = new WebSession(server);
    expect((await other.submit('/login', { username: 'ivan', password: 'ivan-password-1' })).status).toBe(303);
    expect((await other.get('/settings')).status).toBe(200);

    const wrong = await web.submit('/settings/password', { current: 'not-it-at-all', password: 'ivan-password-2', confirm: 'ivan-password-2' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('current password is wrong');
    const mismatch = await web.submit('/settings/password', { current: 'ivan-password-1', password: 'ivan-password-2', confirm: 'ivan-password-3' });
    expect(mismatch.status).toBe(400);

    const res = await web.submit('/settings/password', { current: 'ivan-password-1', password: 'ivan-password-2', confirm: 'ivan-password-2' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings/password?saved=1');
    expect((await web.get('/settings/password?saved=1')).text).toContain('Other devices have been logged out');
    expect((await other.get('/settings')).status).toBe(303);

    const oldPassword = await new WebSession(server).submit('/login', { username: 'ivan', password: 'ivan-password-1' });
    expect(oldPassword.status).toBe(401);
    const newPassword = await new WebSession(server).submit('/login', { username: 'ivan', password: 'ivan-password-2' });
    expect(newPassword.status).toBe(303);
  });
});

describe('upload preferences', () => {
  it('stores keep EXIF and the default auto delete, which API uploads then follow', async () => {
    const { web, user } = await signUp('judy');
    const page = await web.get('/settings/uploads');
    expect(page.status).toBe(200);
    expect(page.text).toContain("Don&apos;t auto delete");
    expect(page.text).toContain('<option value="P1W">After 1 week</option>');
    expect(page.text).toContain('<option value="PT5M">After 5 minutes</option>');

    const res = await web.submit('/settings/uploads', { keep_exif: 'no', expiration: 'P1D' });
    expect(res.status).toBe(303);
    let stored = await fresh('judy');
    expect(stored.keepExif).toBe(false);
    expect(stored.defaultExpiration).toBe('P1D');
    expect((await web.get('/settings/uploads')).text).toContain('<option value="P1D" selected>');

    const { key } = await server.c.accounts.createKey(user.id, 'prefs');
    const upload = await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': key } });
    expect(upload.status).toBe(200);
    const expires = Date.parse(`${String(imageOf(upload).expiration_date_gmt)}Z`);
    expect(Math.abs(expires - (server.clock.now().getTime() + 86_400_000))).toBeLessThan(5_000);

    expect((await web.submit('/settings/uploads', { keep_exif: 'maybe', expiration: 'P9Y' })).status).toBe(400);
    await web.submit('/settings/uploads', { keep_exif: '', expiration: '' });
    stored = await fresh('judy');
    expect(stored.keepExif).toBeNull();
    expect(stored.defaultExpiration).toBeNull();
  });

  it('is in Chinese too', async () => {
    const { web } = await signUp('kim');
    const page = await web.get('/settings/uploads?lang=zh-CN');
    expect(page.text).toContain('不自动删除');
    expect(page.text).toContain('1 周后');
    expect(page.text).toContain('保留 EXIF 数据');
  });
});

describe('guest uploads join the account', () => {
  it('gives the uploads a guest made in this browser to the account it signs up', async () => {
    const web = new WebSession(server);
    await web.get('/');
    // Recorded the way the web uploader records guest uploads (the next test goes through the uploader itself).
    const guest = await server.c.sessions.create(null);
    web.cookies.set('ph_session', guest.token);
    const ids: number[] = [];
    for (const name of ['small.jpg', 'tiny.png']) {
      const upload = await uploadMultipart(server, { source: { file: fixturePath(name) } }, { headers: { 'x-api-key': GUEST_KEY } });
      expect(upload.status).toBe(200);
      const id = server.c.ids.decode(String(imageOf(upload).id_encoded));
      if (id === null) throw new Error('bad id');
      ids.push(id);
      const session = await server.c.sessions.load(guest.token);
      if (!session) throw new Error('guest session gone');
      await server.c.sessions.rememberGuestImage(session, id);
    }

    const res = await web.submit('/signup', { username: 'liam', password: 'liam-password', confirm: 'liam-password' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account/adopted?count=2&next=%2F');
    expect(web.cookies.get('ph_session')).not.toBe(guest.token);
    expect(await server.c.sessions.load(guest.token)).toBeNull();
    const notice = await web.get(res.location ?? '');
    expect(notice.status).toBe(200);
    expect(notice.text).toContain('2 uploads were added to your account.');

    const user = await fresh('liam');
    for (const id of ids) expect((await server.c.db.images.findById(id))?.userId).toBe(user.id);
  });

  it('through the web uploader: a guest uploads, then logs in to an existing account', async () => {
    const web = new WebSession(server);
    const token = await web.csrf('/');
    const form = new FormData();
    form.append('source', new Blob([new Uint8Array(await readFile(fixturePath('small.jpg')))], { type: 'image/jpeg' }), 'guest.jpg');
    const upload = await web.request('/json/upload', { method: 'POST', body: form, headers: { 'x-csrf-token': token } });
    expect(upload.status).toBe(200);
    const id = server.c.ids.decode(String((JSON.parse(upload.text) as { image: { id_encoded: string } }).image.id_encoded));
    expect((await server.c.db.images.findById(id ?? 0))?.userId).toBeNull();

    const res = await web.submit('/login', { username: 'alice', password: 'alice-password', next: '/upload' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account/adopted?count=1&next=%2Fupload');
    const notice = await web.get(res.location ?? '');
    expect(notice.text).toContain('1 upload was added to your account.');
    expect(notice.text).toContain('href="/upload"');
    const alice = await fresh('alice');
    expect((await server.c.db.images.findById(id ?? 0))?.userId).toBe(alice.id);
  });

  it('does not show the notice to someone who is not logged in', async () => {
    const res = await new WebSession(server).get('/account/adopted?count=5&next=%2Fexplore');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/explore');
  });
});
