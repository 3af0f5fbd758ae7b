import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { WebSession } from '../../helpers/web-session.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
// Each test starts with fresh rate-limit windows (they are 15 minutes long).
beforeEach(() => {
  server.clock.advance(16 * 60_000);
});

function sessionCookie(lines: readonly string[]): string | undefined {
  return lines.find((l) => l.startsWith('ph_session='));
}

async function login(web: WebSession, username: string, password: string, next?: string) {
  return web.submit('/login', { username, password, ...(next === undefined ? {} : { next }) });
}

describe('sign up', () => {
  it('shows the form, creates the account, logs in and lands on next', async () => {
    const web = new WebSession(server);
    const form = await web.get('/signup?next=/settings');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="username"');
    expect(form.text).toContain('name="confirm"');
    expect(form.text).toContain('value="/settings"');

    const res = await web.submit('/signup', { username: 'carol', email: 'carol@example.com', password: 'carol-password', confirm: 'carol-password', next: '/settings' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings');
    expect(sessionCookie(res.setCookies)).toBeDefined();

    const user = await server.c.accounts.findUser('carol');
    expect(user?.email).toBe('carol@example.com');
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    const settings = await web.get('/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('value="carol"');
  });

  it('refuses bad input with the reasons, keeping what was typed (escaped)', async () => {
    const web = new WebSession(server);
    const short = await web.submit('/signup', { username: 'dave', password: 'short', confirm: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 8 characters');
    expect(short.text).toContain('value="dave"');

    const mismatch = await web.submit('/signup', { username: 'dave', password: 'long-enough-1', confirm: 'long-enough-2' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('do not match');

    const evil = await web.submit('/signup', { username: '<script>alert(1)</script>', email: 'x"><b>', password: 'long-enough-1', confirm: 'long-enough-1' });
    expect(evil.status).toBe(400);
    expect(evil.text).not.toContain('<script>alert(1)');
    expect(evil.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil.text).not.toContain('x"><b>');

    const reserved = await web.submit('/signup', { username: 'settings', password: 'long-enough-1', confirm: 'long-enough-1' });
    expect(reserved.status).toBe(400);

    const taken = await web.submit('/signup', { username: 'ALICE', password: 'long-enough-1', confirm: 'long-enough-1' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('already taken');
    expect(await server.c.accounts.findUser('dave')).toBeNull();
  });

  it('speaks Chinese when asked', async () => {
    const web = new WebSession(server);
    const res = await web.get('/signup?lang=zh-CN');
    expect(res.text).toContain('创建帐户');
    expect(res.text).toContain('确认密码');
  });
});

describe('log in and out', () => {
  it('logs in with the right password and sets a safe session cookie', async () => {
    const web = new WebSession(server);
    const res = await login(web, 'alice', 'alice-password');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/');
    const cookie = sessionCookie(res.setCookies) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    const settings = await web.get('/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('value="alice"');
  });

  it('gives the same message for a wrong password and an unknown user', async () => {
    const web = new WebSession(server);
    const wrong = await login(web, 'alice', 'not-her-password');
    const unknown = await login(web, 'nobody-here', 'whatever-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Wrong username or password.');
    expect(unknown.text).toContain('Wrong username or password.');
    expect(sessionCookie(wrong.setCookies)).toBeUndefined();
    expect((await web.get('/settings')).status).toBe(303);
  });

  it('refuses a disabled account', async () => {
    const user = await server.c.accounts.createUser({ username: 'frozen', password: 'frozen-password' });
    await server.c.db.users.update(user.id, { disabled: true });
    const web = new WebSession(server);
    const res = await login(web, 'frozen', 'frozen-password');
    expect(res.status).toBe(403);
    expect(res.text).toContain('disabled');
    expect(sessionCookie(res.setCookies)).toBeUndefined();
  });

  it('follows next only to paths on this site', async () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['/settings/api', '/settings/api'],
      ['/image/x.abc?lang=en', '/image/x.abc?lang=en'],
      ['//evil.example/path', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['/logout', '/'],
    ];
    for (const [next, expected] of cases) {
      const web = new WebSession(server);
      const res = await login(web, 'alice', 'alice-password', next);
      expect(res.location, next).toBe(expected);
    }
    const page = await new WebSession(server).get('/login?next=//evil.example');
    expect(page.text).toContain('name="next" value="/"');
  });

  it('sends logged-out visitors of a settings page to login and back', async () => {
    const web = new WebSession(server);
    const res = await web.get('/settings/api');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?next=%2Fsettings%2Fapi');
    const form = await web.get(res.location ?? '');
    expect(form.text).toContain('name="next" value="/settings/api"');
    expect((await login(web, 'alice', 'alice-password', '/settings/api')).location).toBe('/settings/api');
  });

  it('logs out: the session is deleted and the cookie cleared', async () => {
    const web = new WebSession(server);
    await login(web, 'alice', 'alice-password');
    const token = web.cookies.get('ph_session') ?? '';
    expect(token).not.toBe('');
    const res = await web.submit('/logout', {}, { from: '/settings' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/');
    expect(res.setCookies.some((l) => l.startsWith('ph_session=;'))).toBe(true);
    const replay = await fetch(`${server.url}/settings`, { headers: { cookie: `ph_session=${token}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
  });
});

describe('login rate limits', () => {
  it('answers 429 with Retry-After after 10 attempts on one account, even with the right password', async () => {
    const web = new WebSession(server);
    for (let i = 0; i < 10; i++) expect((await login(web, 'alice', `guess-${i}-password`)).status).toBe(401);
    const blocked = await login(web, 'alice', 'alice-password');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(blocked.text).toContain('Too many attempts');
    // Another account from the same address is still open.
    expect((await login(web, 'admin', 'admin-password')).status).toBe(303);
    server.clock.advance(retryAfter * 1000 + 1);
    expect((await login(new WebSession(server), 'alice', 'alice-password')).status).toBe(303);
  });

  it('starts the per-account count again after a successful login', async () => {
    const web = new WebSession(server);
    for (let i = 0; i < 8; i++) await login(web, 'alice', `guess-${i}-password`);
    expect((await login(web, 'alice', 'alice-password')).status).toBe(303);
    for (let i = 0; i < 8; i++) expect((await login(new WebSession(server), 'alice', `again-${i}-password`)).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses forms without the token, with a wrong token, or from a foreign origin', async () => {
    const web = new WebSession(server);
    const token = await web.csrf('/login');
    expect((await web.post('/login', { username: 'alice', password: 'alice-password' })).status).toBe(403);
    expect((await web.post('/login', { _csrf: 'x'.repeat(43), username: 'alice', password: 'alice-password' })).status).toBe(403);
    const foreign = await web.post('/login', { _csrf: token, username: 'alice', password: 'alice-password' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('expired');
    expect(web.cookies.has('ph_session')).toBe(false);
    expect((await web.post('/login', { _csrf: token, username: 'alice', password: 'alice-password' }, { origin: server.url })).status).toBe(303);
  });

  it('refuses a logout or settings change without the token', async () => {
    const web = new WebSession(server);
    await login(web, 'alice', 'alice-password');
    expect((await web.post('/logout', {})).status).toBe(403);
    expect((await web.get('/settings')).status).toBe(200);
    expect((await web.post('/settings', { email: 'forged@example.com', language: '' })).status).toBe(403);
    expect((await web.post('/settings/api', { label: 'forged' })).status).toBe(403);
    const alice = await server.c.accounts.findUser('alice');
    expect(alice?.email).not.toBe('forged@example.com');
    expect((await server.c.accounts.listKeys(alice?.id ?? 0)).some((k) => k.label === 'forged')).toBe(false);
  });
});

describe('over https, with sign-ups closed', () => {
  let secure: TestServer;
  beforeAll(async () => {
    secure = await startTestServer({ PINHOLE_BASE_URL: 'https://pics.example.test', PINHOLE_SIGNUPS: 'false' });
  });
  afterAll(async () => {
    await secure?.stop();
  });

  it('marks the cookies Secure', async () => {
    const web = new WebSession(secure);
    const res = await login(web, 'alice', 'alice-password');
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res.setCookies) ?? '';
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('has no sign-up form', async () => {
    const web = new WebSession(secure);
    expect((await web.get('/signup')).status).toBe(404);
    const token = await web.csrf('/login');
    const res = await web.post('/signup', { _csrf: token, username: 'eve', password: 'eve-password', confirm: 'eve-password' });
    expect(res.status).toBe(404);
    expect(await secure.c.accounts.findUser('eve')).toBeNull();
    expect((await web.get('/login')).text).not.toContain('href="/signup');
  });
});
