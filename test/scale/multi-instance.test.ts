/**
 * Scale-out, as a site would run it: three built Pinhole processes (`node dist/main.js`) on
 * different ports sharing one PostgreSQL schema and one S3 bucket (s3rver on loopback), behind a
 * round-robin proxy that PINHOLE_BASE_URL points at. Needs PostgreSQL (under CI=true a missing
 * server fails the run) and a fresh `npm run build` (`npm test` does it).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicIdCodec } from '../../src/domain/public-id.js';
import { fixturePath } from '../fixtures/generate.js';
import { freePort } from '../helpers/app.js';
import { startPinhole, type PinholeProcess } from '../helpers/pinhole-process.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';
import { WebSession } from '../helpers/web-session.js';

const schema = await createTestSchema();
const GUEST_KEY = 'guest-key-of-the-scale-test';
const ADMIN_PASSWORD = 'scale-admin-password';
const FLOOD_PER_MINUTE = 3;
const ids = new PublicIdCodec({ salt: 'test-salt', padding: 999 });

interface Uploaded {
  readonly id: number;
  readonly url: string;
  readonly thumb: string;
  readonly deleteUrl: string;
  readonly viewer: string;
}

describe.skipIf(schema === null)('three instances on one PostgreSQL schema and one bucket', () => {
  let s3: TestS3;
  let proxy: RoundRobinProxy;
  let sql: pg.Client;
  const instances: PinholeProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    const s = schema as TestSchema;
    s3 = await startTestS3({ prefix: 'scale/' });
    const ports = [await freePort(), await freePort(), await freePort()];
    proxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p}`));
    // All three start at once on the empty schema: migrations and the first admin must not collide.
    const started = await Promise.all(
      ports.map(async (port, i) => {
        const dataDir = await mkdtemp(path.join(os.tmpdir(), `pinhole-scale-${i}-`));
        dirs.push(dataDir);
        return startPinhole(
          {
            ...s3.env,
            PINHOLE_DATA_DIR: dataDir,
            PINHOLE_DATABASE_URL: s.url,
            PINHOLE_DATABASE_SCHEMA: s.schema,
            PINHOLE_BASE_URL: proxy.url,
            PINHOLE_INSTANCE_ID: `instance-${i + 1}`,
            PINHOLE_TRUST_PROXY: 'true',
            PINHOLE_GUEST_KEY: GUEST_KEY,
            PINHOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
            PINHOLE_FLOOD_PER_MINUTE: String(FLOOD_PER_MINUTE),
            PINHOLE_EXPIRATION_MIN_SECONDS: '1',
            PINHOLE_JOB_INTERVAL_MS: '200',
          },
          { port },
        );
      }),
    );
    instances.push(...started);
    sql = new pg.Client({ connectionString: s.url, options: `-c search_path=${s.schema}` });
    await sql.connect();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    // Server logs for a failed run: PINHOLE_SCALE_LOGS=/some/dir keeps them.
    const logDir = process.env['PINHOLE_SCALE_LOGS'];
    if (logDir) {
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(logDir, { recursive: true });
      for (const [i, instance] of instances.entries()) await writeFile(path.join(logDir, `instance-${i + 1}.log`), `${instance.stdout}\n${instance.stderr}`);
    }
    await sql?.end();
    await proxy?.close();
    await s3?.stop();
    await schema?.drop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  /** `url` (on the proxy) as served by one instance directly. */
  const via = (instance: PinholeProcess, url: string) => `${instance.url}${new URL(url).pathname}${new URL(url).search}`;

  async function upload(target: string, file: string, fields: Record<string, string> = {}, clientIp = '198.51.100.1'): Promise<Response> {
    const form = new FormData();
    const bytes = await readFile(fixturePath(file));
    form.append('source', new Blob([new Uint8Array(bytes)]), file);
    for (const [k, v] of Object.entries({ key: GUEST_KEY, ...fields })) form.append(k, v);
    return fetch(`${target}/api/1/upload`, { method: 'POST', body: form, headers: { 'x-forwarded-for': clientIp } });
  }

  async function uploaded(res: Response): Promise<Uploaded> {
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const image = (JSON.parse(text) as { image: Record<string, unknown> }).image;
    const id = ids.decode(String(image.id_encoded));
    expect(id).not.toBeNull();
    return {
      id: id!,
      url: String(image.url),
      thumb: String((image.thumb as { url: string }).url),
      deleteUrl: String(image.delete_url),
      viewer: String(image.url_viewer),
    };
  }

  it('starts three instances that all answer ready, with one admin account', async () => {
    for (const instance of instances) {
      const ready = await fetch(`${instance.url}/readyz`);
      expect(ready.status).toBe(200);
    }
    const { rows } = await sql.query<{ n: string }>('select count(*) as n from users');
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('keeps a session made on one instance valid on the others', async () => {
    const [i1, i2, i3] = instances as [PinholeProcess, PinholeProcess, PinholeProcess];
    // The login form comes from instance 1, the login itself goes to instance 2: CSRF tokens are signed with the shared site secret.
    const browser1 = new WebSession({ url: i1.url });
    const token = await browser1.csrf('/login');
    const browser2 = new WebSession({ url: i2.url });
    for (const [k, v] of browser1.cookies) browser2.cookies.set(k, v);
    const login = await browser2.post('/login', { _csrf: token, username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status, login.text.slice(0, 300)).toBe(303);
    const browser3 = new WebSession({ url: i3.url });
    for (const [k, v] of browser2.cookies) browser3.cookies.set(k, v);
    const settings = await browser3.get('/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('admin');
    // Logging out on instance 3 ends the session everywhere.
    const logout = await browser3.post('/logout', { _csrf: await browser3.csrf('/settings') });
    expect([302, 303]).toContain(logout.status);
    const browser1Again = new WebSession({ url: i1.url });
    for (const [k, v] of browser2.cookies) browser1Again.cookies.set(k, v);
    expect([302, 303]).toContain((await browser1Again.get('/settings')).status);
  });

  it('uploads on each instance, then reads, lists and deletes each upload through another one', async () => {
    const files = ['photo.jpg', 'clip.mp4', 'small.jpg', 'tiny.png', 'image.webp', 'clip.webm'];
    const made: Array<{ upload: Uploaded; on: number }> = [];
    for (const [k, file] of files.entries()) {
      made.push({ upload: await uploaded(await upload(instances[k % 3]!.url, file, {}, `198.51.100.${10 + k}`)), on: k % 3 });
    }
    for (const { upload: u, on } of made) {
      const reader = instances[(on + 1) % 3]!;
      const lister = instances[(on + 2) % 3]!;
      // Every URL in the answer points at the proxy (PINHOLE_BASE_URL) and serves, there and on another instance.
      expect(u.url.startsWith(`${proxy.url}/images/`)).toBe(true);
      for (const url of [u.url, u.thumb]) {
        const direct = await fetch(via(reader, url));
        expect(direct.status, url).toBe(200);
        const proxied = await fetch(url);
        expect(proxied.status).toBe(200);
        expect(Buffer.from(await direct.arrayBuffer()).equals(Buffer.from(await proxied.arrayBuffer()))).toBe(true);
      }
      expect((await fetch(via(reader, u.viewer))).status).toBe(200);
      const explore = await (await fetch(`${lister.url}/explore`)).text();
      expect(explore).toContain(u.thumb);
    }
    // A clip read with a range from an instance that did not store it.
    const clip = made[1]!;
    const ranged = await fetch(via(instances[(clip.on + 1) % 3]!, clip.upload.url), { headers: { range: 'bytes=10-1033' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(1024);

    for (const { upload: u, on } of made) {
      const deleter = instances[(on + 2) % 3]!;
      const res = await fetch(via(deleter, u.deleteUrl), { method: 'DELETE' });
      expect(res.status, await res.text()).toBe(200);
      for (const instance of instances) expect((await fetch(via(instance, u.url))).status).toBe(404);
    }
    expect(await s3.keys()).toEqual([]);
    const { rows } = await sql.query<{ image_id: string; reason: string }>('select image_id, reason from deletions');
    expect(rows.map((r) => Number(r.image_id)).sort((a, b) => a - b)).toEqual(made.map((m) => m.upload.id).sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(['request']));
    // The proxy spread the reads it carried over all three instances.
    for (const count of proxy.served.values()) expect(count).toBeGreaterThan(0);
  }, 180_000);

  it('enforces a flood limit across instances', async () => {
    const ip = '203.0.113.50';
    const accepted: Uploaded[] = [];
    for (let k = 0; k < FLOOD_PER_MINUTE; k++) accepted.push(await uploaded(await upload(instances[k % 3]!.url, 'tiny.png', {}, ip)));
    for (const instance of instances) {
      const refused = await upload(instance.url, 'tiny.png', {}, ip);
      expect(refused.status).toBe(429);
      expect(await refused.text()).toContain(`${FLOOD_PER_MINUTE} images per minute`);
    }
    // Another client is not affected.
    accepted.push(await uploaded(await upload(instances[0]!.url, 'tiny.png', {}, '203.0.113.51')));
    for (const u of accepted) expect((await fetch(u.deleteUrl, { method: 'DELETE' })).status).toBe(200);
    expect(await s3.keys()).toEqual([]);
  }, 120_000);

  it('applies a setting saved in the dashboard of one instance on the others within seconds', async () => {
    const [i1, i2, i3] = instances as [PinholeProcess, PinholeProcess, PinholeProcess];
    const admin = new WebSession({ url: i1.url });
    expect((await admin.submit('/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(303);
    let ip = 0;
    const made: Uploaded[] = [];
    /** Uploads image.gif on `instance` until the answer has `status`; returns how long that took. */
    const until = async (instance: PinholeProcess, status: number): Promise<number> => {
      const started = Date.now();
      for (;;) {
        ip += 1;
        const res = await upload(instance.url, 'image.gif', {}, `198.18.${Math.floor(ip / 250)}.${(ip % 250) + 1}`);
        if (res.status === 200) made.push(await uploaded(res));
        else await res.text();
        if (res.status === status) return Date.now() - started;
        if (Date.now() - started > 20_000) throw new Error(`instance answered ${res.status}, not ${status}, for 20 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await until(i2, 200);
    expect((await admin.submit('/dashboard/settings', { duplicates: 'reject' })).status).toBe(303);
    // Every instance checks the settings version at most every five seconds.
    expect(await until(i2, 409)).toBeLessThan(10_000);
    expect(await until(i3, 409)).toBeLessThan(10_000);
    expect((await admin.submit('/dashboard/settings', { duplicates: 'allow' })).status).toBe(303);
    await until(i2, 200);
    await until(i3, 200);
    for (const u of made) expect((await fetch(u.deleteUrl, { method: 'DELETE' })).status).toBe(200);
    expect(await s3.keys()).toEqual([]);
  }, 120_000);

  it('deletes a batch of expiring uploads exactly once while one instance is killed mid-way', async () => {
    const batch: Uploaded[] = [];
    const deletionCount = async () => Number((await sql.query<{ n: string }>(`select count(*) as n from deletions where reason = 'expired'`)).rows[0]?.n);
    let killed: PinholeProcess | null = null;
    for (let k = 0; k < 24; k++) {
      batch.push(await uploaded(await upload(proxy.url, 'tiny.png', { expiration: '1' }, `192.0.2.${k + 1}`)));
      if (k === 9) {
        // Wait for the sweeps to be under way, then kill the instance that deleted last, without warning.
        const deadline = Date.now() + 30_000;
        while ((await deletionCount()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const { rows } = await sql.query<{ instance_id: string }>(`select instance_id from deletions order by id desc limit 1`);
        const index = Number(rows[0]?.instance_id.replace('instance-', '')) - 1;
        killed = instances[index] ?? instances[2]!;
        killed.signal('SIGKILL');
        expect((await killed.exited).signal).toBe('SIGKILL');
      }
    }
    expect(killed).not.toBeNull();
    // The two survivors finish every deletion, including any the killed one had begun.
    const deadline = Date.now() + 90_000;
    const batchIds = batch.map((u) => u.id);
    for (;;) {
      const { rows } = await sql.query<{ n: string }>('select count(*) as n from images where id = any($1::bigint[])', [batchIds]);
      if (Number(rows[0]?.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${rows[0]?.n} expired uploads were never deleted`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows } = await sql.query<{ image_id: string; n: string }>(
      'select image_id, count(*) as n from deletions where image_id = any($1::bigint[]) group by image_id',
      [batchIds],
    );
    expect(rows.map((r) => Number(r.image_id)).sort((a, b) => a - b)).toEqual([...batchIds].sort((a, b) => a - b));
    for (const row of rows) expect(Number(row.n), `image ${row.image_id}`).toBe(1);
    const byInstance = await sql.query<{ instance_id: string; n: string }>(
      'select instance_id, count(*) as n from deletions where image_id = any($1::bigint[]) group by instance_id',
      [batchIds],
    );
    // More than one instance did the work.
    expect(byInstance.rows.length).toBeGreaterThan(1);
    // The jobs the killed instance had claimed are claimed again by the survivors once their lease runs out.
    const jobsDeadline = Date.now() + 60_000;
    for (;;) {
      const { rows: pending } = await sql.query<{ n: string }>(`select count(*) as n from jobs where status = 'pending'`);
      if (Number(pending[0]?.n) === 0) break;
      if (Date.now() > jobsDeadline) throw new Error(`${pending[0]?.n} jobs were never finished`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // No file of the batch is left in the bucket.
    expect(await s3.keys()).toEqual([]);
    for (const u of batch) expect((await fetch(u.url)).status).toBe(404);
  }, 240_000);
});
