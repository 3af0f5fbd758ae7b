import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { imageOf, request, uploadMultipart } from '../helpers/upload.js';

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

describe('the upload API on PostgreSQL', () => {
  it('uploads, serves, expires and deletes', async (ctx) => {
    if (!server) return ctx.skip();
    const s = server;
    expect(s.c.db.dialect).toBe('postgres');
    const a = await uploadMultipart(s, { tags: 'pg,test', expiration: 'PT10M', source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': s.aliceKey } });
    expect(a.status, a.text).toBe(200);
    const image = imageOf(a);
    expect(image.tags_string).toBe('pg, test');
    for (const u of [image.url, (image.thumb as { url: string }).url, (image.medium as { url: string }).url]) expect((await fetch(String(u))).status).toBe(200);
    expect((await request(s, String(image.path_viewer))).status).toBe(200);
    const clip = imageOf(await uploadMultipart(s, { source: { file: fixturePath('clip.mp4') } }, { headers: { 'x-api-key': s.aliceKey } }));
    expect(clip.duration).toBe(3);
    s.clock.advance(11 * 60_000);
    await s.c.jobs.runOnce();
    expect((await fetch(String(image.url))).status).toBe(404);
    expect((await request(s, new URL(String(clip.delete_url)).pathname, { method: 'POST' })).status).toBe(200);
    expect(await s.c.db.images.count()).toBe(0);
  });
});
