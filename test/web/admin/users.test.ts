import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { signedIn, textOf } from '../../helpers/admin.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';
import type { WebSession } from '../../helpers/web-session.js';

let server: TestServer;
let admin: WebSession;
beforeEach(async () => {
  server = await startTestServer();
  admin = await signedIn(server, 'admin');
});
afterEach(async () => {
  await server?.stop();
});

const idOf = async (username: string) => {
  const user = await server.c.accounts.findUser(username);
  if (!user) throw new Error(`no ${username}`);
  return user.id;
};
const act = (path: string, fields: Record<string, string>) => admin.submit(path, fields, { from: '/dashboard/users' });
const exists = (file: string) => access(file).then(() => true, () => false);

describe('users in the dashboard', () => {
  it('lists users with their uploads and changes roles', async () => {
    await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } });
    const list = await admin.get('/dashboard/users');
    expect(list.status).toBe(200);
    const alice = await idOf('alice');
    expect(list.text).toMatch(new RegExp(`<tr id="user-${alice}">[\\s\\S]*?alice[\\s\\S]*?<td>1<br>`));

    const promoted = await act(`/dashboard/users/${alice}/role`, { role: 'admin', page: '1' });
    expect(promoted.status).toBe(303);
    expect(promoted.location).toBe('/dashboard/users?page=1&ok=role');
    expect((await server.c.accounts.findUser('alice'))?.isAdmin).toBe(true);
    // Alice, now an admin, can open the dashboard.
    expect((await (await signedIn(server, 'alice')).get('/dashboard')).status).toBe(200);

    expect((await act(`/dashboard/users/${alice}/role`, { role: 'user' })).status).toBe(303);
    expect((await server.c.accounts.findUser('alice'))?.isAdmin).toBe(false);
    const notice = await admin.get('/dashboard/users?page=1&ok=role');
    expect(textOf(notice.text)).toContain('Role changed.');
  });

  it('disabling logs the user out and their API key stops working; enabling restores it', async () => {
    const alice = await signedIn(server, 'alice');
    expect((await alice.get('/settings')).status).toBe(200);
    const id = await idOf('alice');
    const res = await act(`/dashboard/users/${id}/disable`, { disabled: '1' });
    expect(res.location).toBe('/dashboard/users?page=1&ok=disabled');
    expect((await server.c.accounts.findUser('alice'))?.disabled).toBe(true);

    const upload = await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(upload.status).toBe(401);
    const after = await alice.get('/settings');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/login/);

    expect((await act(`/dashboard/users/${id}/disable`, { disabled: '0' })).location).toBe('/dashboard/users?page=1&ok=enabled');
    const again = await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(again.status).toBe(200);
  });

  it('deletes a user with every upload: files and rows are gone', async () => {
    const uploads = [];
    for (const file of ['small.jpg', 'tiny.png', 'clip.mp4']) {
      uploads.push(imageOf(await uploadMultipart(server, { source: { file: fixturePath(file) } }, { headers: { 'x-api-key': server.aliceKey } })));
    }
    const kept = imageOf(await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.adminKey } }));
    const id = await idOf('alice');
    const files = [];
    for (const imageId of await server.c.db.admin.imageIdsOfUser(id, 10)) {
      for (const f of (await server.c.db.images.findById(imageId))?.files ?? []) files.push(path.join(server.dataDir, 'images', f.key));
    }
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) expect(await exists(file)).toBe(true);

    const confirm = await admin.get(`/dashboard/users/${id}/delete`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.text)).toContain('Delete the account alice and all of its 3 uploads?');

    const res = await admin.submit(`/dashboard/users/${id}/delete`, {}, { from: `/dashboard/users/${id}/delete` });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dashboard/users?page=1&ok=deletedUser');
    expect(await server.c.accounts.findUser('alice')).toBeNull();
    for (const file of files) expect(await exists(file)).toBe(false);
    expect(await server.c.db.images.count()).toBe(1);
    for (const image of uploads) expect((await fetch(String(image.url))).status).toBe(404);
    expect((await fetch(String(kept.url))).status).toBe(200);
    expect((await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } })).status).toBe(401);
  });

  it('never demotes, disables or deletes yourself or the last admin', async () => {
    const me = await idOf('admin');
    const self = [
      await act(`/dashboard/users/${me}/role`, { role: 'user' }),
      await act(`/dashboard/users/${me}/disable`, { disabled: '1' }),
      await act(`/dashboard/users/${me}/delete`, {}),
    ];
    for (const res of self) expect(res.location).toBe('/dashboard/users?page=1&error=self');
    expect((await admin.get(`/dashboard/users/${me}/delete`)).location).toBe('/dashboard/users?error=self');
    const me2 = await server.c.accounts.findUser('admin');
    expect(me2?.isAdmin).toBe(true);
    expect(me2?.disabled).toBe(false);

    // With two admins, one may demote the other.
    const alice = await idOf('alice');
    await server.c.db.users.update(alice, { isAdmin: true });
    const other = await signedIn(server, 'alice');
    const demote = await other.submit(`/dashboard/users/${me}/role`, { role: 'user' }, { from: '/dashboard/users' });
    expect(demote.location).toBe('/dashboard/users?page=1&ok=role');
    expect((await admin.get('/dashboard')).status).toBe(403);

    // Alice is now the last active admin: no account may take that away (a disabled admin does not count).
    await server.c.db.users.update(me, { isAdmin: true, disabled: true });
    const stale = await server.c.accounts.findUser('admin');
    if (!stale) throw new Error('admin vanished');
    expect(await server.c.admin.setRole(stale, alice, false)).toEqual({ ok: false, reason: 'last-admin' });
    expect(await server.c.admin.setDisabled(stale, alice, true)).toEqual({ ok: false, reason: 'last-admin' });
    expect(await server.c.admin.deleteUser(stale, alice)).toEqual({ ok: false, reason: 'last-admin' });
    expect((await server.c.accounts.findUser('alice'))?.isAdmin).toBe(true);
    expect(textOf((await other.get('/dashboard/users?page=1&error=lastAdmin')).text)).toContain('this is the last one');
  });
});
