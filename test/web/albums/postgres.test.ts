import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres.js';
import { WebSession } from '../../helpers/web-session.js';
import { album, quickImage } from './gallery-fixtures.js';

let schema: TestSchema | null = null;
let server: TestServer | null = null;

beforeAll(async () => {
  schema = await createTestSchema();
  if (schema) server = await startTestServer({ PINHOLE_DATABASE_URL: schema.url, PINHOLE_DATABASE_SCHEMA: schema.schema });
});
afterAll(async () => {
  await server?.stop();
  await schema?.drop();
});

const titles = (html: string) => [...html.matchAll(/<span class="caption">([^<]*)<\/span>/g)].map((m) => m[1] ?? '');

describe('albums and listings on PostgreSQL', () => {
  it('search is case-insensitive with literal wildcards; tags, explore, moves and counts work', async (ctx) => {
    if (!server) return ctx.skip();
    const s = server;
    expect(s.c.db.dialect).toBe('postgres');
    const alice = (await s.c.accounts.findUser('alice'))!;
    const hidden = await album(s, alice, 'private', 'Hidden');
    const shown = await album(s, alice, 'public', 'Shown');
    await quickImage(s, { userId: alice.id, title: 'Big SUNSET' });
    await quickImage(s, { userId: alice.id, title: 'x', description: 'at sunset' });
    await quickImage(s, { userId: alice.id, title: 'tagged', tags: ['Sunsets', 'Warm'] });
    await quickImage(s, { userId: alice.id, title: '50% off' });
    await quickImage(s, { userId: alice.id, title: 'Sunset in private', albumId: hidden.id });
    const search = async (q: string) => titles((await new WebSession(s).get(`/search?q=${encodeURIComponent(q)}`)).text);
    expect((await search('sunset')).sort()).toEqual(['Big SUNSET', 'tagged', 'x']);
    expect(await search('%')).toEqual(['50% off']);
    expect(await search('_')).toEqual([]);
    expect(titles((await new WebSession(s).get('/tag/warm')).text)).toEqual(['tagged']);
    expect(titles((await new WebSession(s).get('/explore')).text)).not.toContain('Sunset in private');

    const moved = await quickImage(s, { userId: alice.id, title: 'Mover', albumId: hidden.id });
    expect(await s.c.db.curation.moveImages(alice.id, [moved], shown.id)).toBe(1);
    expect((await s.c.db.albums.findById(hidden.id))?.imageCount).toBe(1);
    expect((await s.c.db.albums.findById(shown.id))?.imageCount).toBe(1);
    const neighbours = await s.c.db.listings.albumNeighbours(shown.id, moved, false);
    expect(neighbours).toEqual({ prev: null, next: null });
    const albums = await s.c.db.listings.listAlbums(alice.id, { publicOnly: true });
    expect(albums.map((a) => a.name)).toEqual(['Shown']);
    await s.c.db.curation.updateImageDetails(moved, { title: 'Edited', description: null, tags: ['Warm', 'new one'], albumId: hidden.id, nsfw: true });
    expect(await s.c.db.images.findById(moved)).toMatchObject({ title: 'Edited', tags: ['Warm', 'new one'], albumId: hidden.id, nsfw: true });
    expect((await s.c.db.albums.findById(hidden.id))?.imageCount).toBe(2);
    expect((await s.c.db.albums.findById(shown.id))?.imageCount).toBe(0);
    await s.c.db.curation.deleteAlbum(hidden.id);
    expect((await s.c.db.images.findById(moved))?.albumId).toBeNull();
  });
});
