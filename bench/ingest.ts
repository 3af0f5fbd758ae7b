import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchMedia } from './lib/fixtures.js';
import { load, median, percentile } from './lib/load.js';
import { cleanEnv, multipartBody, ROOT, type RunningPinhole } from './lib/server.js';

export interface IngestCase {
  readonly media: BenchMedia;
  /** What the reference worker does for it. */
  readonly kind: 'jpeg' | 'png' | 'mp4';
  /** Uploads per round at concurrency 1; more at higher concurrency. */
  readonly perRound: number;
  /** Rounds for this file, when it needs more than the run's (the case with a target). */
  readonly rounds?: number;
}

export interface IngestRow {
  readonly file: string;
  readonly concurrency: number;
  readonly pinhole: { readonly rps: number; readonly p50: number; readonly p99: number; readonly cpuPerJob: number; readonly failures: number };
  readonly reference: { readonly rps: number; readonly p50: number; readonly p99: number; readonly cpuPerJob: number };
  readonly ratio: number;
  /** Each round's Pinhole rate over the reference's rate right after it: the spread of the ratio. */
  readonly roundRatios: readonly number[];
  readonly rounds: number;
}

interface Sample {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU ms per upload (server process and children, or the reference worker). */
  readonly cpuPerJob: number;
  readonly failures: number;
}

/** Runs the reference worker (sharp or ffmpeg alone) in a child process. */
async function reference(kind: string, file: string, amount: number, concurrency: number, workDir: string): Promise<Sample> {
  await mkdir(workDir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'reference-worker.ts'), kind, file, String(amount), String(concurrency), workDir], {
    cwd: ROOT,
    // The same allocator settings as the server it is compared with.
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`reference worker failed (${code}): ${stderr}`);
  const { seconds, latencies, cpuPerJob } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number; latencies: number[]; cpuPerJob: number };
  latencies.sort((a, b) => a - b);
  return { rps: amount / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerJob, failures: 0 };
}

function summarise(samples: readonly Sample[]) {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    cpuPerJob: median(samples.map((s) => s.cpuPerJob)),
    failures: samples.reduce((n, s) => n + s.failures, 0),
  };
}

/**
 * Uploads per second and latency through the API, beside the same media work done alone. Rounds
 * alternate server and reference, so drift on a shared machine hits both alike.
 */
export async function benchIngest(
  server: RunningPinhole,
  cases: readonly IngestCase[],
  options: { concurrencies: readonly number[]; rounds: number; warmup: boolean; scale: (c: number, perRound: number) => number; workDir: string; log: (line: string) => void },
): Promise<IngestRow[]> {
  if (!server.apiKey) throw new Error('the ingest bench needs the API key printed on first start');
  const rows: IngestRow[] = [];
  for (const item of cases) {
    const { body, contentType } = multipartBody(await readFile(item.media.path), item.media.filename, item.media.type);
    const rounds = item.rounds ?? options.rounds;
    for (const concurrency of options.concurrencies) {
      const amount = options.scale(concurrency, item.perRound);
      const ours: Sample[] = [];
      const refs: Sample[] = [];
      // One unmeasured round first: the first uploads create date folders and warm both processes.
      if (options.warmup) {
        await load({ url: `${server.url}/api/1/upload`, method: 'POST', body, headers: { 'content-type': contentType, 'x-api-key': server.apiKey }, connections: concurrency, amount: concurrency });
      }
      for (let round = 0; round < rounds; round++) {
        const cpuBefore = server.cpuMs();
        const result = await load({
          url: `${server.url}/api/1/upload`,
          method: 'POST',
          body,
          headers: { 'content-type': contentType, 'x-api-key': server.apiKey },
          connections: concurrency,
          amount,
        });
        ours.push({ ...result, cpuPerJob: (server.cpuMs() - cpuBefore) / Math.max(1, result.requests) });
        refs.push(await reference(item.kind, item.media.path, amount, concurrency, options.workDir));
      }
      const pinhole = summarise(ours);
      const ref = summarise(refs);
      const row: IngestRow = {
        file: item.media.filename,
        concurrency,
        pinhole,
        reference: { rps: ref.rps, p50: ref.p50, p99: ref.p99, cpuPerJob: ref.cpuPerJob },
        ratio: pinhole.rps / ref.rps,
        roundRatios: ours.map((sample, i) => sample.rps / (refs[i]?.rps ?? Number.NaN)),
        rounds,
      };
      options.log(
        `ingest ${item.media.filename} c=${concurrency}: ${pinhole.rps.toFixed(1)}/s p50 ${pinhole.p50.toFixed(0)} ms p99 ${pinhole.p99.toFixed(0)} ms` +
          ` cpu ${pinhole.cpuPerJob.toFixed(0)} ms | limit ${ref.rps.toFixed(1)}/s p50 ${ref.p50.toFixed(0)} ms cpu ${ref.cpuPerJob.toFixed(0)} ms | ratio ${row.ratio.toFixed(2)}${pinhole.failures ? ` | ${pinhole.failures} FAILED` : ''}`,
      );
      rows.push(row);
    }
  }
  return rows;
}
