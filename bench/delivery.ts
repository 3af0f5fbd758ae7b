import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchMedia } from './lib/fixtures.js';
import { median, type LoadResult } from './lib/load.js';
import { startNginx, type RunningNginx } from './lib/nginx.js';
import { multipartBody, startPinhole, type RunningPinhole } from './lib/server.js';
import { wrk } from './lib/wrk.js';

export interface DeliveryRow {
  readonly what: 'thumbnail' | 'original';
  readonly bytes: number;
  /** Server processes answering (1: the default; more: PINHOLE_WORKERS). */
  readonly workers: number;
  readonly pinhole: { readonly rps: number; readonly p99: number; readonly mbps: number; readonly cpuUsPerRequest: number };
  readonly nginx: { readonly rps: number; readonly p99: number; readonly mbps: number; readonly cpuUsPerRequest: number };
  /** Requests per second for the thumbnail, throughput for the original, Pinhole / nginx. */
  readonly ratio: number;
  readonly rounds: number;
}

export interface DeliveryResult {
  readonly rows: DeliveryRow[];
  readonly nginxVersion: string;
  /** What was checked through the example configuration before measuring. */
  readonly configChecks: string[];
}

interface Stored {
  readonly thumbPath: string;
  readonly originalPath: string;
  readonly thumbBytes: number;
  readonly originalBytes: number;
}

async function uploadOne(server: RunningPinhole, media: BenchMedia, base = server.url): Promise<Stored> {
  const { body, contentType } = multipartBody(await readFile(media.path), media.filename, media.type);
  const res = await fetch(`${base}/api/1/upload`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType, 'x-api-key': server.apiKey ?? '' } });
  const json = (await res.json()) as { image?: { url: string; size: number; thumb: { url: string; size: number } } };
  if (!res.ok || !json.image) throw new Error(`upload failed: ${res.status} ${JSON.stringify(json)}`);
  return {
    originalPath: new URL(json.image.url).pathname,
    thumbPath: new URL(json.image.thumb.url).pathname,
    originalBytes: json.image.size,
    thumbBytes: json.image.thumb.size,
  };
}

function check(condition: boolean, what: string, checks: string[]): void {
  if (!condition) throw new Error(`nginx example configuration: ${what} failed`);
  checks.push(what);
}

/** The example configuration does what BENCHMARKS.md says: same bytes and headers, the rest proxied. */
async function verifyConfig(server: RunningPinhole, nginx: RunningNginx, stored: Stored, tiny: BenchMedia): Promise<string[]> {
  const checks: string[] = [];
  for (const file of [stored.thumbPath, stored.originalPath]) {
    const [ours, theirs] = await Promise.all([fetch(`${server.url}${file}`), fetch(`${nginx.url}${file}`)]);
    const [a, b] = await Promise.all([ours.arrayBuffer(), theirs.arrayBuffer()]);
    check(ours.status === 200 && theirs.status === 200 && Buffer.from(a).equals(Buffer.from(b)), `same bytes for ${path.basename(file)} (${ours.status}, ${theirs.status})`, checks);
    for (const header of ['content-type', 'cache-control', 'x-content-type-options', 'content-security-policy']) {
      check(ours.headers.get(header) === theirs.headers.get(header), `same ${header} for ${path.basename(file)}`, checks);
    }
  }
  const range = await fetch(`${nginx.url}${stored.originalPath}`, { headers: { range: 'bytes=0-99' } });
  check(range.status === 206 && (await range.arrayBuffer()).byteLength === 100, 'byte ranges (206)', checks);
  const etag = (await fetch(`${nginx.url}${stored.thumbPath}`, { method: 'HEAD' })).headers.get('etag');
  const revalidate = await fetch(`${nginx.url}${stored.thumbPath}`, { headers: { 'if-none-match': etag ?? '' } });
  check(etag !== null && revalidate.status === 304, 'If-None-Match answered 304', checks);
  const folder = path.posix.dirname(stored.thumbPath);
  check((await fetch(`${nginx.url}${folder}/`)).status === 404, 'no folder listing (404)', checks);
  check((await fetch(`${nginx.url}/images/../pinhole.db`)).status === 404, 'nothing outside images/ (404)', checks);
  check((await fetch(`${nginx.url}/healthz`)).status === 200, 'other paths proxied to Pinhole', checks);
  const viaProxy = await uploadOne(server, tiny, nginx.url);
  check((await fetch(`${nginx.url}${viaProxy.thumbPath}`)).status === 200, 'upload through the proxy, served by nginx', checks);
  return checks;
}

type Measured = LoadResult & { readonly cpuUsPerRequest: number };

function summarise(samples: readonly Measured[]) {
  return {
    rps: median(samples.map((s) => s.rps)),
    p99: median(samples.map((s) => s.p99)),
    mbps: median(samples.map((s) => s.bytesPerSecond / 1e6)),
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
  };
}

/**
 * Keep-alive GETs over 32 connections for a stored thumbnail and a ~1 MB original, Pinhole beside
 * nginx serving the very same files from the very same directory; rounds alternate the two.
 */
export async function benchDelivery(
  server: RunningPinhole,
  media: { photo: BenchMedia; tiny: BenchMedia },
  options: { nginxBinary: string; wrkBinary: string; seconds: number; rounds: number; warmup: boolean; connections: number; workers: number; workDir: string; log: (line: string) => void },
): Promise<DeliveryResult> {
  const stored = await uploadOne(server, media.photo);
  const nginx = await startNginx({ binary: options.nginxBinary, dataDir: server.dataDir, pinhole: `127.0.0.1:${server.port}`, workDir: options.workDir });
  try {
    const configChecks = await verifyConfig(server, nginx, stored, media.tiny);
    options.log(`nginx ${nginx.version}: example configuration verified (${configChecks.length} checks)`);
    const compare = async (target: RunningPinhole, workers: number, what: DeliveryRow['what'], file: string, bytes: number): Promise<DeliveryRow> => {
      const ours: Measured[] = [];
      const theirs: Measured[] = [];
      const run = async (base: string, seconds: number): Promise<Measured> => {
        const cpu = base === target.url ? () => target.cpuMs() : () => nginx.cpuMs();
        const before = cpu();
        const result = await wrk({ binary: options.wrkBinary, url: `${base}${file}`, connections: options.connections, seconds, workDir: options.workDir });
        return { ...result, cpuUsPerRequest: ((cpu() - before) * 1000) / Math.max(1, result.requests) };
      };
      // Warm both: Pinhole's caches and JIT, nginx's open-file cache.
      if (options.warmup) {
        await run(target.url, 1);
        await run(nginx.url, 1);
      }
      for (let round = 0; round < options.rounds; round++) {
        ours.push(await run(target.url, options.seconds));
        theirs.push(await run(nginx.url, options.seconds));
      }
      const failures = [...ours, ...theirs].reduce((n, r) => n + r.failures, 0);
      if (failures > 0) throw new Error(`delivery of the ${what}: ${failures} failed requests`);
      const pinhole = summarise(ours);
      const reference = summarise(theirs);
      const ratio = what === 'thumbnail' ? pinhole.rps / reference.rps : pinhole.mbps / reference.mbps;
      options.log(
        `delivery ${what} (${bytes} B)${workers > 1 ? `, ${workers} workers` : ''}: Pinhole ${pinhole.rps.toFixed(0)}/s p99 ${pinhole.p99.toFixed(1)} ms ${pinhole.mbps.toFixed(0)} MB/s cpu ${pinhole.cpuUsPerRequest.toFixed(0)} µs/req` +
          ` | nginx ${reference.rps.toFixed(0)}/s p99 ${reference.p99.toFixed(1)} ms ${reference.mbps.toFixed(0)} MB/s cpu ${reference.cpuUsPerRequest.toFixed(0)} µs/req | ratio ${ratio.toFixed(2)}`,
      );
      return { what, bytes, workers, pinhole, nginx: reference, ratio, rounds: options.rounds };
    };
    const rows: DeliveryRow[] = [];
    for (const [what, file, bytes] of [
      ['thumbnail', stored.thumbPath, stored.thumbBytes],
      ['original', stored.originalPath, stored.originalBytes],
    ] as const) {
      rows.push(await compare(server, 1, what, file, bytes));
    }
    // The same thumbnail from a second server on the same data folder, with workers (no target: the
    // targets are for the default, one process).
    if (options.workers > 1) {
      const clustered = await startPinhole({ dataDir: server.dataDir, env: { PINHOLE_WORKERS: String(options.workers) }, readyWhen: 'all workers are listening' });
      try {
        rows.push(await compare(clustered, options.workers, 'thumbnail', stored.thumbPath, stored.thumbBytes));
      } finally {
        await clustered.stop();
      }
    }
    return { rows, nginxVersion: nginx.version, configChecks };
  } finally {
    await nginx.stop();
  }
}
