import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { WebSession } from '../../helpers/web-session.js';
import { album, albumPath, csrfOf, follow, loggedIn, member, postPairs, quickImage, upload, type Member } from './gallery-fixtures.js';

let server: TestServer;
let alice: Member;
let bob: Member;
let admin: Member;

beforeAll(async () => {
  server = await startTestServer();
  alice = { user: (await server.c.accounts.findUser('alice'))!, key: server.aliceKey, password: 'alice-password' };
  admin = { user: (await server.c.accounts.findUser('admin'))!, key: server.adminKey, password: 'admin-password' };
  bob = await member(server, 'bob');
});
afterAll(async () => {
  await server?.stop();
});
// Fresh login and unlock rate-limit windows for every test.
beforeEach(() => {
  server.clock.advance(16 * 60_000);
});

const ids = () => server.c.ids;

async function jsonPost(web: WebSession, body: unknown, token: string | null) {
  const res = await web.request('/json/albums', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
  });
  return { ...res, json: JSON.parse(res.text) as Record<string, unknown> };
}

describe('POST /json/albums', () => {
  it('creates an album with the uploads of the batch', async () => {
    const web = await loggedIn(server, alice);
    const token = await web.csrf('/upload');
    const one = await upload(server, alice.key);
    const two = await upload(server, alice.key);
    const foreign = await upload(server, bob.key);
    const res = await jsonPost(web, { name: 'Batch', description: 'From the uploader', privacy: 'public', image_ids: [one.id_encoded, two.id_encoded, foreign.id_encoded, 'not-an-id'] }, token);
    expect(res.status).toBe(200);
    const created = res.json.album as { id_encoded: string; url: string };
    expect(res.json.status_code).toBe(200);
    expect(created.url).toBe(`${server.url}/album/Batch.${created.id_encoded}`);
    const stored = (await server.c.db.albums.findById(ids().decode(created.id_encoded)!))!;
    expect(stored).toMatchObject({ name: 'Batch', description: 'From the uploader', privacy: 'public', imageCount: 2, userId: alice.user.id });
    // The other user's upload stays where it was.
    expect((await server.c.db.images.findById(ids().decode(String(foreign.id_encoded))!))?.albumId).toBeNull();
    const page = await web.get(new URL(created.url).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain((one.thumb as { url: string }).url);
  });

  it('refuses guests, missing CSRF tokens and bad input with JSON errors', async () => {
    const guest = new WebSession(server);
    const guestToken = await guest.csrf('/');
    const anonymous = await jsonPost(guest, { name: 'x' }, guestToken);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ status_code: 401, error: { code: 401 } });

    const web = await loggedIn(server, alice);
    expect((await jsonPost(web, { name: 'x' }, null)).status).toBe(403);
    const token = await web.csrf('/');
    const noName = await jsonPost(web, { name: '   ', privacy: 'public' }, token);
    expect(noName.status).toBe(400);
    expect(noName.json).toMatchObject({ status_code: 400, error: { message: 'Give the album a name.', code: 400 }, status_txt: 'Bad Request' });
    expect((await jsonPost(web, { name: 'x', privacy: 'friends' }, token)).status).toBe(400);
    expect((await jsonPost(web, { name: 'x', privacy: 'password' }, token)).status).toBe(400);
    expect((await jsonPost(web, { name: 42 }, token)).status).toBe(400);
    const locked = await jsonPost(web, { name: 'Locked', privacy: 'password', password: 'open sesame' }, token);
    expect(locked.status).toBe(200);
    const stored = await server.c.db.albums.findById(ids().decode((locked.json.album as { id_encoded: string }).id_encoded)!);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('open sesame');
  });
});

describe('album pages and privacy', () => {
  it('redirects to the canonical path and pages through a large album in upload order', async () => {
    const a = await album(server, alice.user, 'public', 'Big one');
    const rows: number[] = [];
    for (let i = 0; i < 40; i++) rows.push(await quickImage(server, { userId: alice.user.id, albumId: a.id, title: `Item ${i}` }));
    const short = await new WebSession(server).get(albumPath(server, a));
    expect(short.status).toBe(302);
    expect(short.location).toBe(`/album/Big-one.${ids().encode(a.id)}`);
    const first = await new WebSession(server).get(short.location!);
    expect(first.status).toBe(200);
    expect(first.text).toContain('40 items');
    expect(first.text.match(/<li class="tile/g)).toHaveLength(36);
    expect(first.text).toContain('>Item 0<');
    expect(first.text).not.toContain('>Item 36<');
    // Thumbnails only, never the originals.
    expect(first.text).toContain('.th.jpeg');
    expect(first.text).not.toMatch(/src="[^"]*\/img_[^"]*\d\.jpeg"/);
    const next = /<a class="button" rel="next" href="([^"]+)"/.exec(first.text)?.[1];
    expect(next).toBe(`/album/Big-one.${ids().encode(a.id)}?after=${ids().encode(rows[35]!)}`);
    const second = await new WebSession(server).get(next!);
    expect(second.text.match(/<li class="tile/g)).toHaveLength(4);
    expect(second.text).toContain('>Item 39<');
    expect(second.text).not.toContain('rel="next"');
    const prev = /<a class="button" rel="prev" href="([^"]+)"/.exec(second.text)?.[1];
    const back = await new WebSession(server).get(prev!);
    expect(back.text.match(/<li class="tile/g)).toHaveLength(36);
    expect(back.text).toContain('>Item 0<');
    expect(back.text).not.toContain('rel="prev"');
  });

  it('public albums are listed and open to all; private ones are the owner’s alone', async () => {
    const open = await album(server, alice.user, 'public', 'Open house');
    const closed = await album(server, alice.user, 'private', 'Diary');
    const hidden = await upload(server, alice.key, { title: 'Secret page', album_id: ids().encode(closed.id) });
    const anonymous = new WebSession(server);
    expect((await anonymous.get(`/album/Open-house.${ids().encode(open.id)}`)).status).toBe(200);
    expect((await anonymous.get(`/album/Diary.${ids().encode(closed.id)}`)).status).toBe(404);
    expect((await anonymous.get(String(hidden.path_viewer))).status).toBe(404);
    const asBob = await loggedIn(server, bob);
    expect((await asBob.get(`/album/Diary.${ids().encode(closed.id)}`)).status).toBe(404);
    expect((await asBob.get(String(hidden.path_viewer))).status).toBe(404);
    const profile = await asBob.get('/user/alice');
    expect(profile.text).toContain('Open house');
    expect(profile.text).not.toContain('Diary');
    expect(profile.text).not.toContain('Secret page');

    const owner = await loggedIn(server, alice);
    expect((await owner.get(`/album/Diary.${ids().encode(closed.id)}`)).status).toBe(200);
    expect((await owner.get(String(hidden.path_viewer))).status).toBe(200);
    const own = await owner.get('/user/alice');
    expect(own.text).toContain('Diary');
    expect(own.text).toContain('Secret page');
    expect(own.text).toContain('1 item · Private');
    const asAdmin = await loggedIn(server, admin);
    expect((await asAdmin.get(`/album/Diary.${ids().encode(closed.id)}`)).status).toBe(200);
  });

  it('link-only albums open by link but are never listed', async () => {
    const a = await album(server, alice.user, 'private_but_link', 'Shared quietly');
    const image = await upload(server, alice.key, { title: 'Quiet one', album_id: ids().encode(a.id) });
    const anonymous = new WebSession(server);
    const page = await anonymous.get(`/album/Shared-quietly.${ids().encode(a.id)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<meta name="robots" content="noindex">');
    expect((await anonymous.get(String(image.path_viewer))).status).toBe(200);
    expect((await anonymous.get('/user/alice')).text).not.toMatch(/Shared quietly|Quiet one/);
    expect((await anonymous.get('/explore')).text).not.toContain('Quiet one');
  });

  it('password albums show a gate until the right password, remembered in the session', async () => {
    const a = await album(server, alice.user, 'password', 'Vault', 'hunter2');
    const image = await upload(server, alice.key, { title: 'Behind the door', album_id: ids().encode(a.id) });
    const visitor = new WebSession(server);
    const gate = await visitor.get(`/album/Vault.${ids().encode(a.id)}`);
    expect(gate.status).toBe(403);
    expect(gate.text).toContain(`action="/album/${ids().encode(a.id)}/unlock"`);
    expect(gate.text).toContain('type="password"');
    expect(gate.text).not.toContain('Behind the door');
    const viewerGate = await visitor.get(String(image.path_viewer));
    expect(viewerGate.status).toBe(403);
    expect(viewerGate.text).toContain('name="password"');
    expect(viewerGate.text).not.toContain(String(image.url));

    const token = csrfOf(gate.text);
    expect((await visitor.post(`/album/${ids().encode(a.id)}/unlock`, { password: 'hunter2' })).status).toBe(403);
    const wrong = await visitor.post(`/album/${ids().encode(a.id)}/unlock`, { _csrf: token, password: 'guess' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('Wrong password.');
    const right = await visitor.post(`/album/${ids().encode(a.id)}/unlock`, { _csrf: token, password: 'hunter2', next: String(image.path_viewer) });
    expect(right.status).toBe(303);
    expect(right.location).toBe(String(image.path_viewer));
    expect((await follow(visitor, right)).status).toBe(200);
    expect((await visitor.get(`/album/Vault.${ids().encode(a.id)}`)).text).toContain('Behind the door');
    // An open redirect through `next` is refused.
    const evil = await visitor.post(`/album/${ids().encode(a.id)}/unlock`, { _csrf: csrfOf((await visitor.get('/')).text), password: 'hunter2', next: '//evil.example/' });
    expect(evil.location).toBe(`/album/Vault.${ids().encode(a.id)}`);

    expect((await new WebSession(server).get(String(image.path_viewer))).status).toBe(403);
    expect((await (await loggedIn(server, alice)).get(String(image.path_viewer))).status).toBe(200);
    expect((await fetch(`${server.url}/oembed?url=${encodeURIComponent(String(image.url_viewer))}`)).status).toBe(404);
  });
});

describe('password attempts', () => {
  it('are limited per album and address', async () => {
    const a = await album(server, alice.user, 'password', 'Guarded', 'right-one');
    const visitor = new WebSession(server);
    const token = csrfOf((await visitor.get(albumPath(server, a).replace('/album/', '/album/Guarded.'))).text);
    const unlock = `/album/${ids().encode(a.id)}/unlock`;
    // Empty guesses skip the password hash, which keeps this test quick; they count all the same.
    for (let i = 0; i < 20; i++) expect((await visitor.post(unlock, { _csrf: token, password: '' })).status).toBe(403);
    const limited = await visitor.post(unlock, { _csrf: token, password: 'right-one' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    server.clock.advance(16 * 60_000);
    expect((await visitor.post(unlock, { _csrf: token, password: 'right-one' })).status).toBe(303);
  });
});

describe('album editing', () => {
  it('creates through the form, edits with CSRF and keeps or replaces the password', async () => {
    expect((await new WebSession(server).get('/albums/new')).location).toBe('/login?next=%2Falbums%2Fnew');
    const web = await loggedIn(server, alice);
    const form = await web.get('/albums/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="privacy" value="private_but_link"');
    const empty = await web.submit('/albums/new', { name: '', privacy: 'public' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Give the album a name.');
    const created = await web.submit('/albums/new', { name: 'Made by form', description: 'Words', privacy: 'public' });
    expect(created.status).toBe(303);
    const id = created.location!.split('.').pop()!;
    const albumId = ids().decode(id)!;

    const edit = await web.get(`/album/${id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Made by form"');
    expect((await web.post(`/album/${id}/edit`, { name: 'x', privacy: 'public' })).status).toBe(403);
    expect((await web.submit(`/album/${id}/edit`, { name: 'Locked now', privacy: 'password', password: '' })).status).toBe(400);
    const locked = await web.submit(`/album/${id}/edit`, { name: 'Locked now', description: '', privacy: 'password', password: 'pw-one' });
    expect(locked.status).toBe(303);
    expect(locked.location).toBe(`/album/Locked-now.${id}?saved=1`);
    const firstHash = (await server.c.db.albums.findById(albumId))?.passwordHash;
    expect(firstHash).toMatch(/^scrypt\$/);
    // A blank password keeps the current one.
    expect((await web.submit(`/album/${id}/edit`, { name: 'Locked still', privacy: 'password', password: '' })).status).toBe(303);
    expect((await server.c.db.albums.findById(albumId))?.passwordHash).toBe(firstHash);
    expect((await web.submit(`/album/${id}/edit`, { name: 'Open again', privacy: 'public' })).status).toBe(303);
    expect(await server.c.db.albums.findById(albumId)).toMatchObject({ name: 'Open again', privacy: 'public', passwordHash: null, description: null });

    const intruder = await loggedIn(server, bob);
    expect((await intruder.get(`/album/${id}/edit`)).status).toBe(403);
    expect((await intruder.submit(`/album/${id}/edit`, { name: 'Mine now', privacy: 'public' }, { from: '/' })).status).toBe(403);
    expect((await intruder.submit(`/album/${id}/delete`, {}, { from: '/' })).status).toBe(403);
  });

  it('deletes an album with or without its images', async () => {
    const web = await loggedIn(server, alice);
    const keep = await album(server, alice.user, 'public', 'Keep images');
    const kept = await upload(server, alice.key, { album_id: ids().encode(keep.id) });
    const res = await web.submit(`/album/${ids().encode(keep.id)}/delete`, {}, { from: `/album/${ids().encode(keep.id)}/edit` });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/user/alice');
    expect(await server.c.db.albums.findById(keep.id)).toBeNull();
    expect((await server.c.db.images.findById(ids().decode(String(kept.id_encoded))!))?.albumId).toBeNull();
    expect((await fetch(String(kept.url))).status).toBe(200);

    const drop = await album(server, alice.user, 'public', 'Drop images');
    const dropped = await upload(server, alice.key, { album_id: ids().encode(drop.id) });
    await web.submit(`/album/${ids().encode(drop.id)}/delete`, { with_images: '1' }, { from: '/' });
    expect(await server.c.db.albums.findById(drop.id)).toBeNull();
    expect(await server.c.db.images.findById(ids().decode(String(dropped.id_encoded))!)).toBeNull();
    expect((await fetch(String(dropped.url))).status).toBe(404);
  });

  it('moves selected images between albums and out of them', async () => {
    const from = await album(server, alice.user, 'public', 'From');
    const to = await album(server, alice.user, 'private', 'To');
    const images = [await upload(server, alice.key, { album_id: ids().encode(from.id) }), await upload(server, alice.key, { album_id: ids().encode(from.id) })];
    const web = await loggedIn(server, alice);
    const page = await web.get(`/album/From.${ids().encode(from.id)}`);
    expect(page.text).toContain('action="/albums/move"');
    expect(page.text).toContain(`<option value="${ids().encode(to.id)}">To</option>`);
    const token = csrfOf(page.text);
    const back = `/album/From.${ids().encode(from.id)}`;
    const pairs = images.map((i) => ['ids', String(i.id_encoded)] as const);
    const res = await postPairs(web, '/albums/move', [['_csrf', token], ['next', back], ['target', ids().encode(to.id)], ...pairs]);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${back}?moved=2`);
    expect((await server.c.db.albums.findById(from.id))?.imageCount).toBe(0);
    expect((await server.c.db.albums.findById(to.id))?.imageCount).toBe(2);
    expect((await follow(web, res)).text).toContain('Moved.');

    const out = await postPairs(web, '/albums/move', [['_csrf', token], ['target', 'none'], ...pairs.slice(0, 1)]);
    expect(out.location).toBe('/user/alice?moved=1');
    expect((await server.c.db.albums.findById(to.id))?.imageCount).toBe(1);

    // Bob can neither move Alice's images into his album nor use hers.
    const bobs = await album(server, bob.user, 'public', 'Bobs');
    const asBob = await loggedIn(server, bob);
    const bobToken = await asBob.csrf('/');
    const none = await postPairs(asBob, '/albums/move', [['_csrf', bobToken], ['target', ids().encode(bobs.id)], ...pairs]);
    expect(none.location).toBe('/user/bob?moved=0');
    expect((await postPairs(asBob, '/albums/move', [['_csrf', bobToken], ['target', ids().encode(to.id)], ...pairs])).status).toBe(403);
    expect((await postPairs(asBob, '/albums/move', [['target', ids().encode(bobs.id)], ...pairs])).status).toBe(403);
    expect((await server.c.db.albums.findById(bobs.id))?.imageCount).toBe(0);
  });
});
