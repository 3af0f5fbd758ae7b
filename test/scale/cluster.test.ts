/**
 * Workers (PINHOLE_WORKERS=2) on the embedded defaults: the built server (`node dist/main.js`) as a
 * primary with two worker processes sharing one port, one SQLite file and one data folder. Every
 * request below opens a new connection, so `node:cluster` hands them to both workers in turn.
 * Needs a fresh `npm run build` (`npm test` does it).
 */
import { get } from 'node:http';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { launchPinhole, startPinhole, type PinholeProcess } from '../helpers/pinhole-process.js';
import { WebSession } from '../helpers/web-session.js';

const ADMIN_PASSWORD = 'cluster-admin-password';

/** One GET on a connection of its own: status and body. */
function getFresh(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

/** `pinhole_http_requests_total` for stored files, by instance, from one /metrics answer. */
function mediaRequestsByInstance(metrics: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('pinhole_http_requests_total{') || !line.includes('route="/images/*"')) continue;
    const instance = /instance="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (instance !== undefined) counts.set(instance, (counts.get(instance) ?? 0) + value);
  }
  return counts;
}

function workerPids(server: PinholeProcess): Map<number, number> {
  const pids = new Map<number, number>();
  for (const line of server.logs()) {
    if (line.msg === 'Pinhole is listening' && typeof line.worker === 'number' && typeof line.pid === 'number') pids.set(line.worker, line.pid);
  }
  return pids;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('PINHOLE_WORKERS=2 on SQLite and local disk', () => {
  let server: PinholeProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-cluster-'));
    server = await startPinhole({
      PINHOLE_DATA_DIR: dataDir,
      PINHOLE_WORKERS: '2',
      PINHOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PINHOLE_FLOOD_PROTECTION: 'false',
      // A worker would answer a file it has served from memory for a minute without a new stat:
      // only the message from the worker that deleted it can stop it.
      PINHOLE_MEDIA_RECHECK_MS: '60000',
    });
    await server.waitForLog('all workers are listening');
    // Each worker's own line may reach the pipe after the primary's.
    await until(() => workerPids(server).size === 2);
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the first start once, from the primary, and runs two workers', () => {
    expect(server.stdout.match(/^API key: /gm)).toHaveLength(1);
    expect(server.apiKey).toMatch(/^chv_/);
    const pids = workerPids(server);
    expect([...pids.keys()].sort()).toEqual([1, 2]);
    expect(pids.get(1)).not.toBe(pids.get(2));
    expect([...pids.values()]).not.toContain(server.child.pid);
  });

  it('serves an upload from both workers, and neither serves it once one of them deleted it', async () => {
    const form = new FormData();
    form.set('source', new Blob([await readFile(fixturePath('photo.jpg'))], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', body: form, headers: { 'x-api-key': server.apiKey! } });
    expect(res.status).toBe(200);
    const image = ((await res.json()) as { image: { url: string; thumb: { url: string }; delete_url: string } }).image;
    const local = (url: string) => `${server.url}${new URL(url).pathname}`;
    const stored = await readFile(path.join(dataDir, 'images', new URL(image.thumb.url).pathname.replace(/^\/images\//, '')));

    // Both workers answer the thumbnail (and from then on hold it in memory).
    for (let i = 0; i < 12; i++) {
      const answer = await getFresh(local(image.thumb.url));
      expect(answer.status).toBe(200);
      expect(answer.body.equals(stored)).toBe(true);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const byInstance = mediaRequestsByInstance(metrics);
    expect(byInstance.size).toBe(2);
    for (const count of byInstance.values()) expect(count).toBeGreaterThan(0);
    // One exposition for the site: every metric described once, with each worker's samples under it.
    const helps = metrics.split('\n').filter((l) => l.startsWith('# HELP '));
    expect(new Set(helps).size).toBe(helps.length);

    const deleted = await fetch(local(image.delete_url), { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    for (let i = 0; i < 12; i++) {
      expect((await getFresh(local(image.thumb.url))).status).toBe(404);
      expect((await getFresh(local(image.url))).status).toBe(404);
    }
  });

  it('applies a setting saved in the dashboard on every worker at once', async () => {
    const admin = new WebSession({ url: server.url });
    expect((await admin.submit('/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(303);
    const language = async () => /<html lang="([^"]+)"/.exec((await getFresh(`${server.url}/`)).body.toString('utf8'))?.[1];
    for (let i = 0; i < 6; i++) expect(await language()).toBe('en');
    expect((await admin.submit('/dashboard/settings', { defaultLanguage: 'zh-CN' })).status).toBe(303);
    // Without the word from the worker that saved it, the other would answer in English for up to five seconds.
    for (let i = 0; i < 6; i++) expect(await language()).toBe('zh-CN');
  });

  it('starts another worker when one dies, and keeps serving', async () => {
    const victim = workerPids(server).get(1)!;
    process.kill(victim, 'SIGKILL');
    await server.waitForLog('a worker stopped unexpectedly: starting another');
    await until(() => workerPids(server).has(3));
    for (let i = 0; i < 6; i++) expect((await getFresh(`${server.url}/healthz`)).status).toBe(200);
  });

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const pids = [...workerPids(server).values()].filter(alive);
    expect(pids.length).toBe(2);
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(server.stdout).toContain('"msg":"shutting down"');
  });
});

describe('PINHOLE_WORKERS=2 when the workers cannot start', () => {
  it('stops the site and exits 1, naming the cause, instead of starting workers forever', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-cluster-busy-'));
    // Another program already listens on the port.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const server = await launchPinhole({ PINHOLE_DATA_DIR: dataDir, PINHOLE_WORKERS: '2' }, { port });
      const exit = await Promise.race([server.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000))]);
      if (exit === null) await server.stop(1_000);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(server.logs().some((l) => l.msg === 'a worker failed to start: stopping')).toBe(true);
      expect(server.stderr).toContain('EADDRINUSE');
    } finally {
      squatter.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
