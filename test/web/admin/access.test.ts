import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { signedIn, textOf } from '../../helpers/admin.js';
import { WebSession } from '../../helpers/web-session.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const PAGES = ['/dashboard', '/dashboard/users', '/dashboard/uploads', '/dashboard/moderation', '/dashboard/settings', '/dashboard/users/2/delete'];
const POSTS: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['/dashboard/settings', { floodPerMinute: '1' }],
  ['/dashboard/settings/reset', { field: 'floodPerMinute' }],
  ['/dashboard/users/1/role', { role: 'user' }],
  ['/dashboard/users/1/disable', { disabled: '1' }],
  ['/dashboard/users/1/delete', {}],
  ['/dashboard/uploads/1/delete', {}],
  ['/dashboard/moderation/1/approve', {}],
];

describe('only admins reach the dashboard', () => {
  it('guests are sent to the login page', async () => {
    const guest = new WebSession(server);
    for (const page of PAGES) {
      const res = await guest.get(page);
      expect(res.status, page).toBe(303);
      expect(res.location, page).toBe(`/login?next=${encodeURIComponent(page)}`);
    }
  });

  it('other users get 403 on every page and action', async () => {
    const alice = await signedIn(server, 'alice');
    for (const page of PAGES) {
      const res = await alice.get(page);
      expect(res.status, page).toBe(403);
      expect(res.text).not.toContain('admin-nav');
    }
    for (const [path, fields] of POSTS) {
      const res = await alice.submit(path, fields, { from: '/' });
      expect(res.status, path).toBe(403);
    }
    expect(server.c.site.values.floodPerMinute).toBe(50);
    expect((await server.c.accounts.findUser('admin'))?.isAdmin).toBe(true);
  });

  it('an admin form without the CSRF token is refused', async () => {
    const admin = await signedIn(server, 'admin');
    const res = await admin.post('/dashboard/settings', { floodPerMinute: '1' });
    expect(res.status).toBe(403);
    expect(textOf(res.text)).toContain('This form has expired');
    const foreign = await admin.post('/dashboard/settings', { _csrf: await admin.csrf('/dashboard'), floodPerMinute: '1' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(server.c.site.values.floodPerMinute).toBe(50);
  });

  it('admins see the dashboard, linked from the top bar', async () => {
    const admin = await signedIn(server, 'admin');
    const home = await admin.get('/');
    expect(home.text).toContain('href="/dashboard"');
    for (const page of PAGES) {
      const res = await admin.get(page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.text).toContain('<script type="module" src="/static/admin.js">');
    }
    expect((await admin.get('/dashboard/users/9999/delete')).status).toBe(404);
    expect((await admin.get('/static/admin.js')).status).toBe(200);
  });
});
