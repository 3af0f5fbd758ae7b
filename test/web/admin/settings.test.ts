import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { saveSettings, signedIn, startServerOn, textOf } from '../../helpers/admin.js';
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

const upload = (key: string, file = 'small.jpg') => uploadMultipart(server, { source: { file: fixturePath(file) } }, { headers: { 'x-api-key': key } });

describe('site settings change the running site without a restart', () => {
  it('flood limit of 1 per minute: the second API upload gets 429', async () => {
    expect((await saveSettings(admin, { floodPerMinute: '1' })).status).toBe(303);
    expect((await upload(server.aliceKey)).status).toBe(200);
    const second = await upload(server.aliceKey);
    expect(second.status).toBe(429);
    expect(second.json?.error).toEqual({ message: 'Flooding detected. You can only upload 1 image per minute', code: 130 });
    // Turning flood protection off lets it through at once.
    expect((await saveSettings(admin, { floodProtection: 'off' })).status).toBe(303);
    expect((await upload(server.aliceKey)).status).toBe(200);
  });

  it('a lower size limit answers 413 on the next upload', async () => {
    // small.jpg is about 6.8 kB.
    expect((await upload(server.aliceKey)).status).toBe(200);
    expect((await saveSettings(admin, { maxUploadMb: '0.005' })).status).toBe(303);
    const refused = await upload(server.aliceKey);
    expect(refused.status).toBe(413);
    expect(refused.json?.error).toMatchObject({ message: 'File too big - max 0.005 MB' });
    // The guest limit is separate.
    expect((await saveSettings(admin, { maxUploadMb: '5', maxUploadMbGuest: '0.005', guestKey: 'guest-key-1234' })).status).toBe(303);
    expect((await upload(server.aliceKey)).status).toBe(200);
    expect((await upload('guest-key-1234')).status).toBe(413);
  });

  it('moderation all: the answer lacks the direct URLs', async () => {
    expect(imageOf(await upload(server.aliceKey)).url).toEqual(expect.any(String));
    expect((await saveSettings(admin, { moderation: 'all' })).status).toBe(303);
    const held = imageOf(await upload(server.aliceKey));
    expect(held.is_approved).toBe(0);
    expect(held.url).toBeUndefined();
    // Admins are trusted under `all`.
    expect(imageOf(await upload(server.adminKey)).is_approved).toBe(1);
  });

  it('duplicates reject: the same file again is refused with 409', async () => {
    expect((await saveSettings(admin, { duplicates: 'reject' })).status).toBe(303);
    expect((await upload(server.aliceKey)).status).toBe(200);
    const again = await upload(server.aliceKey);
    expect(again.status).toBe(409);
    expect(again.json?.error).toEqual({ message: 'Duplicated upload', code: 101 });
  });

  it('guest key, URL uploads and sign-ups follow the dashboard', async () => {
    expect((await saveSettings(admin, { guestKey: 'guest-key-1234', urlUploads: 'off', signups: 'off' })).status).toBe(303);
    const guest = await upload('guest-key-1234');
    expect(guest.status).toBe(200);
    const url = imageOf(guest).url as string;
    const viaUrl = await uploadMultipart(server, { source: url }, { headers: { 'x-api-key': server.aliceKey } });
    expect(viaUrl.status).toBe(403);
    expect((await fetch(`${server.url}/signup`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/`)).text()).not.toContain('href="/signup"');
    expect((await saveSettings(admin, { guestKey: '' })).status).toBe(303);
    expect((await upload('guest-key-1234')).status).toBe(401);
  });

  it('shows the effective value and its source, and resets a field to its default', async () => {
    let page = await admin.get('/dashboard/settings');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="s-floodPerMinute" name="floodPerMinute"[^>]*value="50"/);
    expect(page.text).not.toContain('value="floodPerMinute"');
    expect((await saveSettings(admin, { floodPerMinute: '7' })).status).toBe(303);
    page = await admin.get('/dashboard/settings?ok=saved');
    expect(page.text).toMatch(/value="7"/);
    expect(textOf(page.text)).toContain('Saved in the dashboard');
    expect(page.text).toContain('name="field" value="floodPerMinute"');
    expect(server.c.site.source('floodPerMinute')).toBe('saved');

    const reset = await admin.submit('/dashboard/settings/reset', { field: 'floodPerMinute' }, { from: '/dashboard/settings' });
    expect(reset.status).toBe(303);
    expect(server.c.site.values.floodPerMinute).toBe(50);
    expect(server.c.site.source('floodPerMinute')).toBe('default');
    expect(await server.c.db.settings.get('site.floodPerMinute')).toBeNull();
  });

  it('an unchanged form stores nothing, so the environment keeps deciding', async () => {
    const page = await admin.get('/dashboard/settings');
    const fields: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input id="s-(\w+)" name="\w+"[^>]*value="([^"]*)"/g)) fields[m[1] ?? ''] = m[2] ?? '';
    for (const m of page.text.matchAll(/<select id="s-(\w+)"[^>]*>.*?<option value="([^"]*)" selected/g)) fields[m[1] ?? ''] = m[2] ?? '';
    expect(Object.keys(fields).length).toBe(18);
    expect((await saveSettings(admin, fields)).status).toBe(303);
    expect(await server.c.db.settings.list('site.')).toEqual([]);
  });

  it('refuses invalid values with a message per field and saves none of the form', async () => {
    const res = await saveSettings(admin, { floodPerMinute: '-3', maxUploadMb: 'lots', timeZone: 'Mars/Olympus', routeImage: 'upload', moderation: 'maybe', signups: 'off' });
    expect(res.status).toBe(400);
    const text = textOf(res.text);
    expect(text).toContain('Nothing was saved');
    expect(text).toContain('Enter a whole number from 0 to 1000000.');
    expect(text).toContain('Enter a number of MB from 0.001 to 100000.');
    expect(text).toContain('Enter a known IANA time zone');
    expect(text).toContain('This name is used by another page of the site');
    expect(text).toContain('Choose one of the options.');
    expect(res.text).toMatch(/id="s-floodPerMinute"[^>]*aria-invalid="true"[^>]*value="-3"/);
    expect(server.c.site.values.signups).toBe(true);
    expect(await server.c.db.settings.list('site.')).toEqual([]);

    const same = await saveSettings(admin, { routeImage: 'clip' });
    expect(same.status).toBe(400);
    expect(textOf(same.text)).toContain('Images and videos need different route names.');

    const fraction = await admin.get('/dashboard/settings?lang=zh-CN').then(() => saveSettings(admin, { floodPerHour: '1.5' }));
    expect(fraction.status).toBe(400);
    expect(textOf(fraction.text)).toContain('请输入 0 到 1000000 之间的整数。');
  });

  it('a stored value that is no longer valid falls back to the default', async () => {
    await server.c.db.settings.set('site.moderation', JSON.stringify('sometimes'));
    await server.c.db.settings.set('site.floodPerMinute', 'not json');
    await server.c.db.settings.set('site.duplicates', JSON.stringify('reject'));
    await server.c.site.load();
    expect(server.c.site.values.moderation).toBe('off');
    expect(server.c.site.values.floodPerMinute).toBe(50);
    expect(server.c.site.values.duplicates).toBe('reject');
    expect(server.c.site.source('moderation')).toBe('default');
  });
});

describe('persistence and several instances', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-admin-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saved values survive a restart and win over the environment', async () => {
    const env = { PINHOLE_FLOOD_PER_MINUTE: '40' };
    const first = await startServerOn(dir, env);
    try {
      await first.c.accounts.createUser({ username: 'admin', password: 'admin-password', isAdmin: true });
      const web = await signedIn(first, 'admin');
      expect((await saveSettings(web, { floodPerMinute: '3', timeZone: 'Asia/Shanghai', defaultLanguage: 'zh-CN' })).status).toBe(303);
    } finally {
      await first.stop();
    }
    const second = await startServerOn(dir, env);
    try {
      expect(second.c.site.values).toMatchObject({ floodPerMinute: 3, timeZone: 'Asia/Shanghai', defaultLanguage: 'zh-CN' });
      expect(second.c.site.defaults.floodPerMinute).toBe(40);
      const web = await signedIn(second, 'admin');
      const page = await web.get('/dashboard/settings');
      expect(page.text).toContain('<html lang="zh-CN">');
      expect(page.text).toMatch(/id="s-floodPerMinute"[^>]*value="3"/);
    } finally {
      await second.stop();
    }
  });

  it('another instance on the same database picks a change up when it next checks', async () => {
    const a = await startServerOn(dir);
    const b = await startServerOn(dir);
    try {
      await a.c.accounts.createUser({ username: 'admin', password: 'admin-password', isAdmin: true });
      expect((await saveSettings(await signedIn(a, 'admin'), { duplicates: 'reuse' })).status).toBe(303);
      expect(a.c.site.values.duplicates).toBe('reuse');
      await b.c.site.refresh();
      expect(b.c.site.values.duplicates).toBe('reuse');
      await a.c.site.update({}, ['duplicates']);
      await b.c.site.refresh();
      expect(b.c.site.values.duplicates).toBe('allow');
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
