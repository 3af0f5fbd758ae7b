import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { WebSession } from '../../helpers/web-session.js';
import { KyselyListingRepository } from '../../../src/db/listing.repository.js';
import type { DB } from '../../../src/db/schema.js';
import type { ListingScope } from '../../../src/ports/gallery.js';
import { album, loggedIn, member, quickImage, upload, type Member } from './gallery-fixtures.js';

let server: TestServer;
let alice: Member;
let bob: Member;
const titles = (html: string) => [...html.matchAll(/<span class="caption">([^<]*)<\/span>/g)].map((m) => m[1] ?? '');

beforeAll(async () => {
  server = await startTestServer();
  alice = { user: (await server.c.accounts.findUser('alice'))!, key: server.aliceKey, password: 'alice-password' };
  bob = await member(server, 'bob');
});
afterAll(async () => {
  await server?.stop();
});

describe('explore', () => {
  it('lists recent public uploads newest first, never private, link-only, password or unapproved ones', async () => {
    const pub = await album(server, alice.user, 'public', 'Pub');
    const hidden = await Promise.all(
      (['private', 'private_but_link', 'password'] as const).map((p) => album(server, alice.user, p, `Hidden ${p}`, p === 'password' ? 'pw' : undefined)),
    );
    await quickImage(server, { userId: alice.user.id, title: 'Loose public' });
    await quickImage(server, { userId: bob.user.id, albumId: pub.id, title: 'In public album' });
    for (const a of hidden) await quickImage(server, { userId: alice.user.id, albumId: a.id, title: `In ${a.privacy}` });
    await quickImage(server, { userId: alice.user.id, title: 'Unapproved', isApproved: false });
    await quickImage(server, { userId: null, title: 'By a guest' });
    const page = await new WebSession(server).get('/explore');
    expect(page.status).toBe(200);
    expect(titles(page.text)).toEqual(['By a guest', 'In public album', 'Loose public']);
    const zh = await new WebSession(server).get('/explore?lang=zh-CN');
    expect(zh.text).toContain('最近的公开上传。');
  });

  it('pages with ?before= and ?after= without gaps or repeats', async () => {
    const made: number[] = [];
    for (let i = 0; i < 80; i++) made.push(await quickImage(server, { userId: bob.user.id, title: `Pg ${String(i).padStart(2, '0')}` }));
    const web = new WebSession(server);
    const seen: string[] = [];
    let next: string | undefined = '/explore';
    const pages: string[] = [];
    while (next) {
      const res = await web.get(next.replace(/&amp;/g, '&'));
      pages.push(next);
      seen.push(...titles(res.text));
      next = /rel="next" href="([^"]+)"/.exec(res.text)?.[1];
    }
    const pg = seen.filter((t) => t.startsWith('Pg '));
    expect(pg).toEqual(made.map((_, i) => `Pg ${String(79 - i).padStart(2, '0')}`));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages.length).toBe(Math.ceil(seen.length / 36));
    // Going back from the second page gives the first page again.
    const second = await web.get(pages[1]!);
    const prev = /rel="prev" href="([^"]+)"/.exec(second.text)?.[1];
    expect(titles((await web.get(prev!)).text)).toEqual(titles((await web.get('/explore')).text));
    // A junk cursor is the first page.
    expect((await web.get('/explore?before=%%%')).status).toBe(200);
  });
});

describe('search and tags', () => {
  it('finds by title, description and tag, case-insensitively, with % and _ taken literally', async () => {
    const hit = (title: string, extra: Record<string, string> = {}) => upload(server, bob.key, { title, ...extra });
    await hit('Sunset Over Lake');
    await hit('plain', { description: 'a quiet SUNSET walk' });
    await hit('tagged only', { tags: 'Sunsets' });
    await hit('100% orange');
    await hit('snake_case');
    await hit('unrelated');
    const search = async (q: string) => titles((await new WebSession(server).get(`/search?q=${encodeURIComponent(q)}`)).text);
    expect((await search('sunset')).sort()).toEqual(['Sunset Over Lake', 'plain', 'tagged only']);
    expect(await search('100%')).toEqual(['100% orange']);
    expect(await search('%')).toEqual(['100% orange']);
    expect(await search('e_c')).toEqual(['snake_case']);
    expect(await search('_')).toEqual(['snake_case']);
    expect(await search('nothing like this')).toEqual([]);
    const hostile = await new WebSession(server).get(`/search?q=${encodeURIComponent('<script>x</script>')}`);
    expect(hostile.text).not.toContain('<script>x');
    expect(hostile.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect((await new WebSession(server).get('/search')).text).toContain('name="q"');
  });

  it('tag pages list public uploads with the tag; an unknown tag is 404', async () => {
    const secret = await album(server, alice.user, 'private', 'Tag secret');
    await upload(server, alice.key, { title: 'Red one', tags: 'Red, blue' });
    await upload(server, alice.key, { title: 'Red two', tags: 'red' });
    await upload(server, alice.key, { title: 'Red hidden', tags: 'red', album_id: server.c.ids.encode(secret.id) });
    await upload(server, alice.key, { title: 'Blue only', tags: 'blue' });
    const page = await new WebSession(server).get('/tag/red');
    expect(page.status).toBe(200);
    expect(titles(page.text)).toEqual(['Red two', 'Red one']);
    expect(page.text).toContain('Tagged “Red”');
    expect(titles((await new WebSession(server).get('/tag/RED')).text)).toEqual(['Red two', 'Red one']);
    expect((await new WebSession(server).get('/tag/no-such-tag')).status).toBe(404);
  });
});

describe('profiles', () => {
  it('shows a user’s public uploads and albums; the owner sees all with the move tools', async () => {
    const carol = await member(server, 'carol');
    const pub = await album(server, carol.user, 'public', 'Carol public');
    const priv = await album(server, carol.user, 'private', 'Carol private');
    await upload(server, carol.key, { title: 'Carol cover', album_id: server.c.ids.encode(pub.id) });
    await upload(server, carol.key, { title: 'Carol hidden', album_id: server.c.ids.encode(priv.id) });
    await upload(server, carol.key, { title: 'Carol loose' });
    const visitor = await new WebSession(server).get('/user/carol');
    expect(visitor.status).toBe(200);
    expect(titles(visitor.text)).toEqual(['Carol public', 'Carol loose', 'Carol cover']);
    expect(visitor.text).not.toContain('action="/albums/move"');
    // The album card shows its first image's thumbnail as the cover.
    expect(visitor.text).toMatch(/<li class="tile album-card"><a href="\/album\/Carol-public\.[^"]+"><img src="[^"]+\.th\.jpe?g"/);
    const owner = await loggedIn(server, carol);
    const own = await owner.get('/user/carol');
    expect(titles(own.text)).toEqual(['Carol private', 'Carol public', 'Carol loose', 'Carol hidden', 'Carol cover']);
    expect(own.text).toContain('action="/albums/move"');
    expect(own.text).toContain('href="/albums/new"');
    expect((await new WebSession(server).get('/user/nobody-here')).status).toBe(404);
    await server.c.db.users.update(carol.user.id, { disabled: true });
    expect((await new WebSession(server).get('/user/carol')).status).toBe(404);
  });
});

describe('listing queries', () => {
  it('walk an index in order instead of sorting (SQLite plans)', async () => {
    const config = server.c.config.database;
    if (config.kind !== 'sqlite') return;
    const raw = new BetterSqlite3(config.file, { readonly: true });
    const captured: CompiledQuery[] = [];
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }), log: (event) => void captured.push(event.query) });
    try {
      const repo = new KyselyListingRepository(db);
      const tag = (await repo.findTag('red'))!;
      const plan = async (scope: ListingScope, before?: number) => {
        captured.length = 0;
        await repo.listImages(scope, { order: 'desc', before, limit: 36 });
        const q = captured.at(-1)!;
        return (raw.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      };
      const tagPlan = await plan({ kind: 'tag', tagId: tag.id }, 1000);
      expect(tagPlan).toContain('image_tags_tag_image');
      const userPlan = await plan({ kind: 'user', userId: alice.user.id, includeHidden: false }, 1000);
      expect(userPlan).toContain('images_user_id');
      const albumPlan = await plan({ kind: 'album', albumId: 1, includeUnapproved: false });
      expect(albumPlan).toContain('images_album_id');
      for (const p of [tagPlan, userPlan, albumPlan, await plan({ kind: 'explore' }, 1000)]) expect(p).not.toContain('TEMP B-TREE');
    } finally {
      await db.destroy();
    }
  });
});
