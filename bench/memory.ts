import { readFile } from 'node:fs/promises';
import type { BenchMedia } from './lib/fixtures.js';
import { load, median } from './lib/load.js';
import { multipartBody, sleep, type RunningPinhole } from './lib/server.js';

export interface MemoryResult {
  /** Highest RSS while 32 uploads of ~5 MB run at once, bytes (max over rounds), started as `npm start` does. */
  readonly peakRss: number;
  /** The allocator settings of that server (what npm start sets on Linux with glibc). */
  readonly allocatorEnv: Readonly<Record<string, string>>;
  /** The same peak for a server started as plain `node dist/main.js` (glibc's defaults); null when not measured. */
  readonly peakRssGlibcDefault: number | null;
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

/** Highest RSS over `rounds` rounds of `concurrent` simultaneous uploads of the big file, and the failures. */
export async function measurePeak(
  server: RunningPinhole,
  big: BenchMedia,
  options: { concurrent: number; peakRounds: number; label?: string; log: (line: string) => void },
): Promise<{ peakRss: number; failures: number }> {
  if (!server.apiKey) throw new Error('the memory bench needs the API key printed on first start');
  const body = multipartBody(await readFile(big.path), big.filename, big.type);
  let failures = 0;
  let peakRss = 0;
  for (let round = 0; round < options.peakRounds; round++) {
    const reset = server.resetPeak();
    const sampling = sampler(server);
    const result = await load({ url: `${server.url}/api/1/upload`, method: 'POST', body: body.body, headers: { 'content-type': body.contentType, 'x-api-key': server.apiKey }, connections: options.concurrent, amount: options.concurrent });
    const sampled = sampling.stop();
    failures += result.failures;
    const peak = reset ? Math.max(server.memory().peak, sampled) : sampled;
    peakRss = Math.max(peakRss, peak);
    options.log(`memory${options.label ? ` (${options.label})` : ''}: ${options.concurrent} concurrent ${(big.bytes / 1e6).toFixed(1)} MB uploads, round ${round + 1}: peak RSS ${(peak / MB).toFixed(0)} MiB${reset ? '' : ' (sampled)'}`);
  }
  return { peakRss, failures };
}

/** Runs on a fresh server: peak RSS under 32 concurrent large uploads, then RSS drift over many small ones. */
export async function benchMemory(
  server: RunningPinhole,
  media: { big: BenchMedia; tiny: BenchMedia },
  options: { concurrent: number; peakRounds: number; early: number; late: number; allocatorEnv: Readonly<Record<string, string>>; log: (line: string) => void },
): Promise<Omit<MemoryResult, 'peakRssGlibcDefault'>> {
  if (!server.apiKey) throw new Error('the memory bench needs the API key printed on first start');
  const headers = (contentType: string) => ({ 'content-type': contentType, 'x-api-key': server.apiKey ?? '' });
  const tiny = multipartBody(await readFile(media.tiny.path), media.tiny.filename, media.tiny.type);
  const peak = await measurePeak(server, media.big, { ...options, label: 'as npm start runs it' });
  const { peakRss } = peak;
  let failures = peak.failures;

  // RSS moves with V8's collections for a while after a burst: one sample a second later read
  // anywhere from -2 % to +19 % on the same build. The median of 13 samples over the next 3 s holds.
  const settle = async () => {
    await sleep(1000);
    const samples: number[] = [];
    for (let i = 0; i < 13; i++) {
      if (i > 0) await sleep(250);
      samples.push(server.memory().rss);
    }
    return median(samples);
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
    allocatorEnv: options.allocatorEnv,
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
