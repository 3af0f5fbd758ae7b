/**
 * `pinhole migrate` (the built CLI) moves a single-machine site (SQLite and local files) to
 * PostgreSQL and an S3 bucket, verified; the built server then serves the same URLs from there.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { startPinhole, type PinholeProcess } from '../helpers/pinhole-process.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';
import { imageOf, uploadMultipart } from '../helpers/upload.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const schema = await createTestSchema();

function pinholeCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/pinhole.js', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(schema === null)('pinhole migrate: SQLite and local files to PostgreSQL and S3', () => {
  let s3: TestS3;
  let old: TestServer;
  let moved: PinholeProcess | undefined;
  const dirs: string[] = [];
  const uploads: Array<Record<string, unknown>> = [];
  let sourceEnv: Record<string, string>;

  beforeAll(async () => {
    s3 = await startTestS3({ prefix: 'moved/' });
    old = await startTestServer();
    for (const file of ['photo.jpg', 'clip.mp4', 'image.webp']) {
      uploads.push(imageOf(await uploadMultipart(old, { source: { file: fixturePath(file) }, tags: 'trip,beach' }, { headers: { 'x-api-key': old.aliceKey } })));
    }
    // The site stops (its data stays) before it is moved.
    await old.app.close();
    await old.c.close();
    dirs.push(old.dataDir);
    sourceEnv = { PINHOLE_DATA_DIR: old.dataDir, PINHOLE_ID_SALT: 'test-salt' };
  }, 120_000);

  afterAll(async () => {
    await moved?.stop();
    await s3?.stop();
    await schema?.drop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('refuses a usage error and a bucket it was not told about', async () => {
    expect((await pinholeCli(['migrate'], sourceEnv)).code).toBe(64);
    const noBucket = await pinholeCli(['migrate', '--to-database', schema!.url, '--to-schema', schema!.schema, '--to-storage', 's3'], sourceEnv);
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toContain('PINHOLE_S3_BUCKET');
  });

  it('copies every row and file, verifies them, and the moved site serves the same URLs', async () => {
    const { PINHOLE_STORAGE: _local, ...bucket } = s3.env;
    const env = { ...sourceEnv, ...bucket };
    const args = ['migrate', '--to-database', schema!.url, '--to-schema', schema!.schema, '--to-storage', 's3'];
    const result = await pinholeCli(args, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rows copied and counted: settings \d+, users 2, api_keys 2, albums 0, categories 0, images 3, image_files (\d+)/);
    expect(result.stdout).toMatch(/files: \d+ copied, 0 already there, [\d.]+ MB; SHA-256 verified on the target; MD5 of 3 originals matches the database/);
    const keys = await s3.keys();
    expect(keys.length).toBeGreaterThanOrEqual(9);

    // A second run finds the target taken and changes nothing.
    const again = await pinholeCli(args, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a site');

    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-moved-'));
    dirs.push(dataDir);
    moved = await startPinhole({ ...s3.env, PINHOLE_DATA_DIR: dataDir, PINHOLE_DATABASE_URL: schema!.url, PINHOLE_DATABASE_SCHEMA: schema!.schema });
    expect(moved.apiKey).toBeNull(); // the site's accounts came along: no new admin
    const base = new URL(String(uploads[0]!.url)).origin;
    for (const image of uploads) {
      for (const url of [String(image.url), String((image.thumb as { url: string }).url)]) {
        const res = await fetch(url.replace(base, moved.url));
        expect(res.status, url).toBe(200);
        const original = await readFile(path.join(old.dataDir, 'images', new URL(url).pathname.slice('/images/'.length)));
        expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
      }
      expect((await fetch(String(image.url_viewer).replace(base, moved.url))).status).toBe(200);
    }
    // Alice's key still works, and new ids follow the copied ones.
    const res = await fetch(`${moved.url}/api/1/upload`, {
      method: 'POST',
      headers: { 'x-api-key': old.aliceKey },
      body: (() => {
        const form = new FormData();
        form.append('source', new Blob([new Uint8Array(Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64'))]), 'dot.gif');
        return form;
      })(),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const fresh = (JSON.parse(text) as { image: { id_encoded: string } }).image;
    expect(uploads.map((u) => u.id_encoded)).not.toContain(fresh.id_encoded);
  }, 180_000);
});
