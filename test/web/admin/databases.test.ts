import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { saveSettings, signedIn } from '../../helpers/admin.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres.js';
import { imageOf, uploadMultipart } from '../../helpers/upload.js';

/** The admin queries use aggregates and joins whose result types differ between the two databases. */
const variants: Array<{ name: string; start: () => Promise<{ server: TestServer; cleanup: () => Promise<void> } | null> }> = [
  {
    name: 'SQLite',
    start: async () => {
      const server = await startTestServer();
      return { server, cleanup: () => server.stop() };
    },
  },
  {
    name: 'PostgreSQL',
    start: async () => {
      const schema: TestSchema | null = await createTestSchema();
      if (!schema) return null;
      const server = await startTestServer({ PINHOLE_DATABASE_URL: schema.url, PINHOLE_DATABASE_SCHEMA: schema.schema });
      return {
        server,
        cleanup: async () => {
          await server.stop();
          await schema.drop();
        },
      };
    },
  },
];

for (const variant of variants) {
  describe(`admin queries on ${variant.name}`, () => {
    let started: Awaited<ReturnType<(typeof variant)['start']>> = null;
    beforeAll(async () => {
      started = await variant.start();
    });
    afterAll(async () => {
      await started?.cleanup();
    });

    it('counts, lists, approves, deletes users and keeps site settings', async (ctx) => {
      if (!started) return ctx.skip();
      const { server } = started;
      const admin = await signedIn(server, 'admin');
      expect((await saveSettings(admin, { moderation: 'all', floodPerDay: '900' })).status).toBe(303);
      const held = imageOf(await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } }));
      imageOf(await uploadMultipart(server, { source: { file: fixturePath('clip.mp4') } }, { headers: { 'x-api-key': server.adminKey } }));

      const stats = await server.c.admin.stats();
      expect(stats).toMatchObject({ users: 2, admins: 1, disabledUsers: 0, images: 1, videos: 1, albums: 0, unapproved: 1 });
      expect(typeof stats.storedBytes).toBe('number');
      expect(stats.storedBytes).toBeGreaterThan(stats.originalBytes);

      const users = await server.c.admin.listUsers(0, 10);
      expect(users.map((u) => [u.username, u.uploads, u.isAdmin])).toEqual([['admin', 1, true], ['alice', 1, false]]);
      expect(users[1]?.bytes).toBe(held.size);

      const queue = await server.c.admin.listImages(true, 0, 10);
      expect(queue.map((i) => [i.username, i.isApproved, typeof i.thumbKey])).toEqual([['alice', false, 'string']]);
      expect(await server.c.admin.approve(queue[0]?.id ?? 0)).toBe(true);
      expect(await server.c.admin.approve(queue[0]?.id ?? 0)).toBe(false);
      expect((await server.c.admin.listImages(false, 0, 10)).map((i) => i.kind)).toEqual(['video', 'image']);

      const actor = await server.c.accounts.findUser('admin');
      const alice = await server.c.accounts.findUser('alice');
      if (!actor || !alice) throw new Error('users missing');
      expect(await server.c.admin.deleteUser(actor, alice.id)).toEqual({ ok: true, deletedImages: 1 });
      expect((await server.c.admin.stats()).users).toBe(1);

      expect(await server.c.db.settings.list('site.')).toEqual([
        { key: 'site.floodPerDay', value: '900' },
        { key: 'site.moderation', value: '"all"' },
      ]);
      await server.c.site.update({}, ['moderation']);
      expect(await server.c.db.settings.get('site.moderation')).toBeNull();
      expect(server.c.site.values).toMatchObject({ moderation: 'off', floodPerDay: 900 });
    });
  });
}
