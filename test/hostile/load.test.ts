/**
 * Issue 4, item 8: sustained mixed load on the built server: concurrent uploads of every kind and
 * reads of everything they produce (files, ranges, conditional requests, viewer pages), for a
 * bounded time, with zero failed requests and the resident memory growth after warm-up under a
 * stated bound (RSS of the child from /proc/<pid>/status).
 *
 *   PINHOLE_LOAD_SECONDS (default 45; e.g. 300 for a longer local run)
 *   PINHOLE_LOAD_RSS_GROWTH_MB (default 128 up to 60 s, 160 beyond)
 *   MALLOC_ARENA_MAX is passed on to the server, to compare glibc's arena settings.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import { ChildServer, freePort, freshDir, killAllChildren, removeDir } from './helpers/child-server.js';
import { envNumber, recordFigures } from './helpers/figures.js';
import { filesOf } from './helpers/outcome.js';
import { postMultipart } from './helpers/raw-http.js';

const SECONDS = envNumber('PINHOLE_LOAD_SECONDS', 45);
const WARMUP_SECONDS = Math.min(10, SECONDS / 4);
const UPLOADERS = 4;
const READERS = 8;
/**
 * Growth of resident memory allowed between the end of warm-up and the end of the run. The JavaScript
 * heap stays flat; what grows is glibc's per-thread malloc arenas under libvips, and that levels off
 * (flat at about 250 MB with MALLOC_ARENA_MAX=2, see docs/SECURITY.md). Longer runs get more room.
 */
const RSS_GROWTH_BOUND_MB = envNumber('PINHOLE_LOAD_RSS_GROWTH_MB', SECONDS <= 60 ? 128 : 160);
/** Resident memory the server may never pass under this load. */
const RSS_PEAK_BOUND_MB = 512;

let dataDir: string;
let server: ChildServer;
let key: string;
let pool: Array<{ name: string; bytes: Buffer }>;

beforeAll(async () => {
  await generateHostileFixtures();
  const names: Array<[string, string]> = [
    ['seed.jpg', hostilePath('seed.jpg')], ['seed.png', hostilePath('seed.png')], ['seed.gif', hostilePath('seed.gif')],
    ['seed-animated.webp', hostilePath('seed-animated.webp')], ['seed.avif', hostilePath('seed.avif')], ['seed.mp4', hostilePath('seed.mp4')],
    ['small.jpg', fixturePath('small.jpg')], ['image.webp', fixturePath('image.webp')], ['photo.jpg', fixturePath('photo.jpg')],
    ['clip.webm', fixturePath('clip.webm')], ['image.gif', fixturePath('image.gif')], ['tiny.png', fixturePath('tiny.png')],
  ];
  pool = await Promise.all(names.map(async ([name, file]) => ({ name, bytes: await readFile(file) })));
  dataDir = await freshDir('pinhole-load-');
  server = await ChildServer.start({ dataDir, port: await freePort() });
  key = server.firstStartKey();
});
afterAll(async () => {
  await killAllChildren();
  await removeDir(dataDir);
});

interface Tally {
  requests: number;
  uploads: number;
  reads: number;
  failures: string[];
  latencies: number[];
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

describe('sustained mixed load', () => {
  it(`${SECONDS} s of concurrent uploads and reads: no failed request, bounded memory`, { timeout: SECONDS * 1000 + 120_000 }, async () => {
    expect(key).toMatch(/^chv_/);
    const tally: Tally = { requests: 0, uploads: 0, reads: 0, failures: [], latencies: [] };
    const urls: string[] = [];
    const pages: string[] = [];
    const etags = new Map<string, string>();
    const started = Date.now();
    const until = started + SECONDS * 1000;
    const rss: Array<{ t: number; bytes: number }> = [];
    const sampler = setInterval(() => rss.push({ t: Date.now() - started, bytes: server.rssBytes() }), 500);
    let n = 0;

    const timed = async (what: string, run: () => Promise<boolean>) => {
      const t0 = Date.now();
      tally.requests += 1;
      try {
        if (!(await run())) tally.failures.push(what);
      } catch (error) {
        tally.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
      tally.latencies.push(Date.now() - t0);
    };

    const uploader = async () => {
      while (Date.now() < until) {
        const file = pool[n++ % pool.length] as { name: string; bytes: Buffer };
        await timed(`upload ${file.name}`, async () => {
          const a = await postMultipart(server.url, [{ name: 'source', filename: file.name, body: file.bytes }], { 'x-api-key': key });
          if (a.status !== 200) return false;
          tally.uploads += 1;
          const image = a.json?.image as Record<string, unknown>;
          urls.push(...filesOf(image).map((f) => f.url));
          pages.push(String(image.path_viewer));
          return true;
        });
      }
    };

    const reader = async (r: number) => {
      let i = r;
      while (Date.now() < until) {
        if (urls.length === 0) {
          await timed('health', async () => (await fetch(`${server.url}/healthz`)).status === 200);
          continue;
        }
        i += 7;
        const url = urls[(i * 2654435761) % urls.length] as string;
        const kind = i % 5;
        await timed(`read ${kind} ${url}`, async () => {
          tally.reads += 1;
          if (kind === 0) {
            const res = await fetch(`${server.url}${pages[i % pages.length]}`);
            await res.arrayBuffer();
            return res.status === 200;
          }
          if (kind === 1) {
            const res = await fetch(url, { headers: { range: 'bytes=0-99' } });
            await res.arrayBuffer();
            return res.status === 206 || res.status === 200;
          }
          if (kind === 2 && etags.has(url)) {
            const res = await fetch(url, { headers: { 'if-none-match': etags.get(url) as string } });
            await res.arrayBuffer();
            return res.status === 304;
          }
          const res = await fetch(url, { method: kind === 3 ? 'HEAD' : 'GET' });
          await res.arrayBuffer();
          const etag = res.headers.get('etag');
          if (etag) etags.set(url, etag);
          return res.status === 200;
        });
      }
    };

    await Promise.all([...Array.from({ length: UPLOADERS }, uploader), ...Array.from({ length: READERS }, (_, r) => reader(r))]);
    clearInterval(sampler);
    rss.push({ t: Date.now() - started, bytes: server.rssBytes() });

    const afterWarmup = rss.filter((s) => s.t >= WARMUP_SECONDS * 1000);
    const baseline = afterWarmup[0]?.bytes ?? 0;
    const lastQuarter = afterWarmup.slice(Math.floor(afterWarmup.length * 0.75));
    const end = percentile(lastQuarter.map((s) => s.bytes), 0.5);
    const peak = rss.reduce((a, s) => Math.max(a, s.bytes), 0);
    await recordFigures('load', {
      seconds: SECONDS,
      uploaders: UPLOADERS,
      readers: READERS,
      requests: tally.requests,
      uploads: tally.uploads,
      reads: tally.reads,
      failures: tally.failures.length,
      latencyMs: { p50: percentile(tally.latencies, 0.5), p99: percentile(tally.latencies, 0.99), max: tally.latencies.reduce((a, b) => Math.max(a, b), 0) },
      rssMb: { atWarmupEnd: mb(baseline), endMedian: mb(end), peak: mb(peak), growth: mb(end - baseline), growthBound: RSS_GROWTH_BOUND_MB, peakBound: RSS_PEAK_BOUND_MB },
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? 'default',
      // One sample every ~10 s: [seconds, MB].
      rssSeries: rss.filter((_, i) => i % 20 === 0).map((x) => [Math.round(x.t / 1000), mb(x.bytes)]),
    });
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.uploads).toBeGreaterThan(SECONDS);
    expect(mb(end - baseline)).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(mb(peak)).toBeLessThan(RSS_PEAK_BOUND_MB);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });
});
