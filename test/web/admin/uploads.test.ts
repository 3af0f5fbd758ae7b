import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { saveSettings, signedIn, textOf } from '../../helpers/admin.js';
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

const upload = async (key: string, file: string) => imageOf(await uploadMultipart(server, { source: { file: fixturePath(file) } }, { headers: { 'x-api-key': key } }));
/** The number shown in the overview card with this id. */
const stat = (html: string, id: string) => {
  const match = new RegExp(`id="${id}"><dt>[^<]*</dt><dd class="admin-stat-value">([^<]+)</dd>`).exec(html);
  if (!match?.[1]) throw new Error(`no ${id} on the overview`);
  return match[1];
};

describe('overview', () => {
  it('counts users, images, videos, albums, stored bytes, jobs and disk use', async () => {
    const empty = await admin.get('/dashboard');
    expect(stat(empty.text, 'stat-users')).toBe('2');
    expect(stat(empty.text, 'stat-images')).toBe('0');
    expect(stat(empty.text, 'stat-storage')).toBe('0 B');

    await upload(server.aliceKey, 'small.jpg');
    await upload(server.aliceKey, 'tiny.png');
    await upload(server.adminKey, 'clip.mp4');
    const alice = await server.c.accounts.findUser('alice');
    await server.c.db.albums.create({ userId: alice?.id ?? 0, name: 'Trip', description: null, privacy: 'public', createdAt: new Date() });
    await server.c.db.jobs.enqueue({ type: 'noop', payload: '{}', runAt: new Date() });

    const stats = await server.c.admin.stats();
    expect(stats).toMatchObject({ users: 2, admins: 1, disabledUsers: 0, images: 2, videos: 1, albums: 1, unapproved: 0, pendingJobs: 1 });
    let files = 0;
    let originals = 0;
    for (const id of [1, 2, 3]) {
      const image = await server.c.db.images.findById(id);
      originals += image?.size ?? 0;
      for (const f of image?.files ?? []) files += f.size;
    }
    expect(stats.originalBytes).toBe(originals);
    expect(stats.storedBytes).toBe(files);
    expect(files).toBeGreaterThan(originals);

    const page = await admin.get('/dashboard');
    expect(stat(page.text, 'stat-users')).toBe('2');
    expect(stat(page.text, 'stat-images')).toBe('2');
    expect(stat(page.text, 'stat-videos')).toBe('1');
    expect(stat(page.text, 'stat-albums')).toBe('1');
    expect(stat(page.text, 'stat-jobs')).toBe('1');
    expect(page.text).toMatch(/<meter id="disk-meter" min="0" max="\d+"[^>]* value="\d+">/);
    expect(textOf(page.text)).toMatch(/of [\d.]+ [KMGT]?B used/);
  });
});

describe('uploads', () => {
  it('lists every upload newest first with thumbnails and owners, and deletes one', async () => {
    const first = await upload(server.aliceKey, 'small.jpg');
    const second = await upload(server.adminKey, 'tiny.png');
    const page = await admin.get('/dashboard/uploads');
    expect(page.status).toBe(200);
    const ids = [...page.text.matchAll(/<li class="admin-tile" id="upload-(\d+)">/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([2, 1]);
    expect(page.text).toContain(`src="${(second.thumb as { url: string }).url}"`);
    expect(page.text).not.toContain(`src="${String(second.url)}"`);
    expect(page.text).toContain('href="/user/alice">alice</a>');

    const res = await admin.submit('/dashboard/uploads/1/delete', { page: '1', back: 'uploads' }, { from: '/dashboard/uploads' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dashboard/uploads?page=1&ok=deletedUpload');
    expect((await fetch(String(first.url))).status).toBe(404);
    expect(await server.c.db.images.findById(1)).toBeNull();
    const again = await admin.submit('/dashboard/uploads/1/delete', { page: '1' }, { from: '/dashboard/uploads' });
    expect(again.location).toBe('/dashboard/uploads?page=1&error=notFound');
  });

  it('paginates', async () => {
    const uploaded = await upload(server.aliceKey, 'small.jpg');
    const record = await server.c.db.images.findById(server.c.ids.decode(String(uploaded.id_encoded)) ?? 0);
    if (!record) throw new Error('upload vanished');
    // Rows without files are enough for a listing and much faster than 37 more uploads.
    const { id: _id, views: _views, likes: _likes, status: _status, ...rest } = record;
    for (let i = 0; i < 37; i++) await server.c.db.images.insert({ ...rest, files: [] }, 'x'.repeat(64));
    const one = await admin.get('/dashboard/uploads');
    expect([...one.text.matchAll(/class="admin-tile"/g)].length).toBe(36);
    expect(one.text).toContain('rel="next" href="/dashboard/uploads?page=2"');
    const two = await admin.get('/dashboard/uploads?page=2');
    expect([...two.text.matchAll(/class="admin-tile"/g)].length).toBe(2);
    expect(two.text).toContain('rel="prev" href="/dashboard/uploads?page=1"');
    expect(two.text).toContain('id="upload-1"');
  });
});

describe('moderation queue', () => {
  it('holds uploads until an admin approves them; then the viewer page serves them', async () => {
    expect((await admin.get('/dashboard')).text).not.toContain('href="/dashboard/moderation"');
    expect((await saveSettings(admin, { moderation: 'all' })).status).toBe(303);
    const held = await upload(server.aliceKey, 'small.jpg');
    expect(held.is_approved).toBe(0);
    expect(held.url).toBeUndefined();
    expect((held.image as Record<string, unknown>).url).toBeUndefined();
    const viewer = new URL(String(held.url_viewer)).pathname;
    expect((await fetch(`${server.url}${viewer}`)).status).toBe(403);

    const queue = await admin.get('/dashboard/moderation');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('href="/dashboard/moderation"');
    expect(queue.text).toContain('id="upload-1"');
    expect(queue.text).toContain('action="/dashboard/moderation/1/approve"');
    expect(stat((await admin.get('/dashboard')).text, 'stat-unapproved')).toBe('1');

    const res = await admin.submit('/dashboard/moderation/1/approve', { page: '1', back: 'moderation' }, { from: '/dashboard/moderation' });
    expect(res.location).toBe('/dashboard/moderation?page=1&ok=approved');
    expect((await server.c.db.images.findById(1))?.isApproved).toBe(true);
    expect((await fetch(`${server.url}${viewer}`)).status).toBe(200);
    const empty = await admin.get('/dashboard/moderation?ok=approved');
    expect(textOf(empty.text)).toContain('Upload approved.');
    expect(textOf(empty.text)).toContain('No upload is waiting for approval.');
    // Approving twice reports that there was nothing to approve.
    const twice = await admin.submit('/dashboard/moderation/1/approve', { back: 'moderation' }, { from: '/dashboard/moderation' });
    expect(twice.location).toBe('/dashboard/moderation?page=1&error=notFound');
  });

  it('deletes from the queue, and keeps showing the tab while unapproved uploads remain', async () => {
    expect((await saveSettings(admin, { moderation: 'guest', guestKey: 'guest-key-1234' })).status).toBe(303);
    expect((await upload(server.aliceKey, 'small.jpg')).is_approved).toBe(1);
    const guest = await upload('guest-key-1234', 'tiny.png');
    expect(guest.is_approved).toBe(0);
    expect((await saveSettings(admin, { moderation: 'off' })).status).toBe(303);
    const overview = await admin.get('/dashboard');
    expect(overview.text).toContain('href="/dashboard/moderation"');
    const res = await admin.submit('/dashboard/uploads/2/delete', { back: 'moderation', page: '1' }, { from: '/dashboard/moderation' });
    expect(res.location).toBe('/dashboard/moderation?page=1&ok=deletedUpload');
    expect((await admin.get('/dashboard')).text).not.toContain('href="/dashboard/moderation"');
  });
});
