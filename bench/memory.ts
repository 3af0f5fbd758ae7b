import { readFile } from 'node:fs/promises';
import type { BenchMedia } from './lib/fixtures.js';
import { load } from './lib/load.js';
import { multipartBody, sleep, type RunningPinhole } from './lib/server.js';

export interface MemoryResult {
  /** Highest RSS while 32 uploads of ~5 MB run at once, bytes (max over rounds). */
  readonly peakRss: number;
  readonly concurrentUploads: number;
  readonly uploadBytes: number;
  readonly peakRounds: number;
  /** RSS after the first `early` small uploads and after `late` in all, bytes. */
  readonly rssEarly: number;
  readonly rssLate: number;
  readonly early: number;
  readonly late: number;
  /** rssLate / rssEarly − 1. */
  readonly growth: number;
  readonly failures: number;
}

const MB = 1024 * 1024;

/** Samples RSS every few ms as well, in case the kernel's high-water mark cannot be reset. */
function sampler(server: RunningPinhole): { stop(): number } {
  let max = 0;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, server.memory().rss);
    } catch {
      // process gone
    }
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/** Runs on a fresh server: peak RSS under 32 concurrent large uploads, then RSS drift over many small ones. */
export async function benchMemory(
  server: RunningPinhole,
  media: { big: BenchMedia; tiny: BenchMedia },
  options: { concurrent: number; peakRounds: number; early: number; late: number; log: (line: string) => void },
): Promise<MemoryResult> {
  if (!server.apiKey) throw new Error('the memory bench needs the API key printed on first start');
  const headers = (contentType: string) => ({ 'content-type': contentType, 'x-api-key': server.apiKey ?? '' });
  const big = multipartBody(await readFile(media.big.path), media.big.filename, media.big.type);
  const tiny = multipartBody(await readFile(media.tiny.path), media.tiny.filename, media.tiny.type);
  let failures = 0;

  let peakRss = 0;
  for (let round = 0; round < options.peakRounds; round++) {
    const reset = server.resetPeak();
    const sampling = sampler(server);
    const result = await load({ url: `${server.url}/api/1/upload`, method: 'POST', body: big.body, headers: headers(big.contentType), connections: options.concurrent, amount: options.concurrent });
    const sampled = sampling.stop();
    failures += result.failures;
    const peak = reset ? Math.max(server.memory().peak, sampled) : sampled;
    peakRss = Math.max(peakRss, peak);
    options.log(`memory: ${options.concurrent} concurrent ${(media.big.bytes / 1e6).toFixed(1)} MB uploads, round ${round + 1}: peak RSS ${(peak / MB).toFixed(0)} MiB${reset ? '' : ' (sampled)'}`);
  }

  const settle = async () => {
    await sleep(1000);
    return server.memory().rss;
  };
  const small = (amount: number) => load({ url: `${server.url}/api/1/upload`, method: 'POST', body: tiny.body, headers: headers(tiny.contentType), connections: 4, amount });
  const first = await small(options.early);
  failures += first.failures;
  const rssEarly = await settle();
  const rest = await small(options.late - options.early);
  failures += rest.failures;
  const rssLate = await settle();
  const growth = rssLate / rssEarly - 1;
  options.log(`memory: RSS after ${options.early} uploads ${(rssEarly / MB).toFixed(0)} MiB, after ${options.late} ${(rssLate / MB).toFixed(0)} MiB (${(growth * 100).toFixed(1)} %)`);
  return {
    peakRss,
    concurrentUploads: options.concurrent,
    uploadBytes: media.big.bytes,
    peakRounds: options.peakRounds,
    rssEarly,
    rssLate,
    early: options.early,
    late: options.late,
    growth,
    failures,
  };
}
