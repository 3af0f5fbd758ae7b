/**
 * `pinhole upload` as a person runs it: the built command (`node bin/pinhole.js`, so run
 * `npm run build` first; `npm test` does) as a child process against a running server.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';

const BIN = fileURLToPath(new URL('../../bin/pinhole.js', import.meta.url));

let server: TestServer;
let work: string;
let origin: Server;
let originUrl: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pinhole upload …` in the work folder with only the environment given (plus PATH). */
function pinhole(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'upload', ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(path.join(os.tmpdir(), 'pinhole-cli-'));
  await copyFile(fixturePath('small.jpg'), path.join(work, 'small.jpg'));
  await writeFile(path.join(work, 'notes.txt'), 'these are notes, not a picture\n');
  // Noise does not compress: a PNG of about 1.9 MB, over the 1 MB progress threshold and under 5 MB.
  const noise = Buffer.alloc(800 * 800 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  await sharp(noise, { raw: { width: 800, height: 800, channels: 3 } }).png({ compressionLevel: 0 }).toFile(path.join(work, 'big.png'));
  const tiny = await readFile(fixturePath('tiny.png'));
  origin = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(tiny));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/pictures/tiny.png`;
});

afterAll(async () => {
  await new Promise((resolve) => origin?.close(resolve));
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pinhole upload', () => {
  it('uploads files and a URL, prints one link each, reports the failing one and exits 1', async () => {
    const run = await pinhole(['--server', server.url, '--key', server.aliceKey, 'small.jpg', 'big.png', originUrl, 'notes.txt', 'missing.jpg']);
    expect(run.code, run.stderr).toBe(1);
    const links = lines(run.stdout);
    expect(links).toHaveLength(3);
    for (const link of links) {
      expect(link).toMatch(new RegExp(`^${server.url}/images/\\d{4}/\\d{2}/\\d{2}/`));
      const res = await fetch(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\//);
    }
    expect(links[0]).toMatch(/small\.jpg$/);
    expect(links[1]).toMatch(/big\.png$/);
    expect(links[2]).toMatch(/tiny\.png$/);
    expect(run.stderr).toMatch(/uploading big\.png \(\d+\.\d MB\)/);
    expect(run.stderr).toMatch(/big\.png: sent \d+\.\d MB/);
    expect(run.stderr).not.toMatch(/uploading small\.jpg/);
    expect(run.stderr).toContain('pinhole upload: notes.txt: Unavailable image format (415 Unsupported Media Type)');
    expect(run.stderr).toContain('pinhole upload: missing.jpg: no such file');
    // The command is a client: it made no data folder or database of its own.
    expect((await readdir(work)).sort()).toEqual(['big.png', 'notes.txt', 'small.jpg']);
  });

  it('reads the server and key from the environment, sends the options, prints JSON, exits 0', async () => {
    const alice = await server.c.accounts.findUser('alice');
    const album = await server.c.db.albums.create({ userId: alice?.id ?? 0, name: 'From the shell', description: null, privacy: 'public', createdAt: new Date() });
    const run = await pinhole(['--format', 'json', '--album', server.c.ids.encode(album.id), '--expire', 'P1D', '--title', 'Shell upload', 'small.jpg'], {
      PINHOLE_SERVER: `${server.url}/`,
      PINHOLE_KEY: server.aliceKey,
    });
    expect(run.code, run.stderr).toBe(0);
    const [line, ...rest] = lines(run.stdout);
    expect(rest).toEqual([]);
    const answer = JSON.parse(line ?? '') as { status_code: number; image: Record<string, unknown> };
    expect(answer.status_code).toBe(200);
    expect(answer.image.title).toBe('Shell upload');
    expect(answer.image.expiration_date_gmt).toEqual(expect.any(String));
    const stored = await server.c.db.images.findById(server.c.ids.decode(String(answer.image.id_encoded)) ?? 0);
    expect(stored?.albumId).toBe(album.id);
  });

  it('says what the server said when the key is wrong', async () => {
    const run = await pinhole(['--server', server.url, '--key', `chv_zz_${'0'.repeat(64)}`, 'small.jpg']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('small.jpg: Invalid API key. (401 Unauthorized)');
  });

  it('exits 1 with a clear line when the server cannot be reached', async () => {
    const run = await pinhole(['--server', 'http://127.0.0.1:9', '--key', 'k', 'small.jpg']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/small\.jpg: cannot reach http:\/\/127\.0\.0\.1:9\/api\/1\/upload/);
  });

  it('exits 64 on usage errors, before any upload', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['small.jpg'], {}, /no server/],
      [['--server', server.url, 'small.jpg'], {}, /no key/],
      [['--server', server.url, '--key', 'k'], {}, /nothing to upload/],
      [['--server', server.url, '--key', 'k', '--format', 'xml', 'small.jpg'], {}, /--format must be txt or json/],
      [['--server', 'ftp://example.com', '--key', 'k', 'small.jpg'], {}, /not an http\(s\) URL/],
      [['--bogus', 'small.jpg'], { PINHOLE_SERVER: server.url, PINHOLE_KEY: 'k' }, /Unknown option '--bogus'/],
    ];
    for (const [args, env, message] of cases) {
      const run = await pinhole(args, env);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(64);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('Usage: pinhole upload');
    }
    const help = await pinhole(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--expire DURATION');
  });
});
