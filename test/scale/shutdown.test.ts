/**
 * Graceful shutdown of the built server: on SIGTERM it stops accepting connections, lets an upload
 * that is still arriving finish and answer, then exits 0. Needs a fresh `npm run build`.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startPinhole, type PinholeProcess } from '../helpers/pinhole-process.js';

const dirs: string[] = [];
let server: PinholeProcess | undefined;

afterAll(async () => {
  await server?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function multipart(file: Buffer, filename: string): { body: Buffer; contentType: string } {
  const boundary = `----pinhole${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="source"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, file, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('graceful shutdown of node dist/main.js', () => {
  it('finishes an upload in flight during SIGTERM, refuses new connections, then exits 0', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-shutdown-'));
    dirs.push(dataDir);
    server = await startPinhole({ PINHOLE_DATA_DIR: dataDir, PINHOLE_ADMIN_PASSWORD: 'shutdown-test-password' });
    const key = server.apiKey;
    expect(key).toMatch(/^chv_/);
    const { body, contentType } = multipart(await readFile(fixturePath('photo.jpg')), 'slow.jpg');

    // A slow client: the first half of the body now, the rest only after the server began shutting down.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${server!.url}/api/1/upload`, {
        method: 'POST',
        headers: { 'x-api-key': key!, 'content-type': contentType, 'content-length': String(body.length) },
      });
      req.once('error', reject);
      req.once('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      void (async () => {
        // The request is in the server's hands once its head was parsed; ask /healthz on another connection to be sure it is up.
        expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
        server!.signal('SIGTERM');
        await server!.waitForLog('shutting down', 20_000);
        // No new connections any more…
        await expect(fetch(`${server!.url}/healthz`)).rejects.toThrow();
        // …while the upload still arriving is received in small pieces and finishes.
        for (let at = half; at < body.length; at += 64 * 1024) {
          req.write(body.subarray(at, Math.min(body.length, at + 64 * 1024)));
          await new Promise((r) => setTimeout(r, 20));
        }
        req.end();
      })().catch(reject);
    });

    const { status, text } = await answer;
    expect(status, text).toBe(200);
    const image = (JSON.parse(text) as { image: { url: string; size: number } }).image;
    expect(image.url).toMatch(/\/images\/\d{4}\/\d{2}\/\d{2}\/slow\.jpe?g$/);
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // The file it answered with is stored.
    const stored = await readFile(path.join(dataDir, 'images', new URL(image.url).pathname.slice('/images/'.length)));
    expect(stored.length).toBe(image.size);
  }, 120_000);
});
