import autocannon from 'autocannon';

/** One measured run of the load generator. Latencies are exact (kept per response), in ms. */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly bytesPerSecond: number;
  /** Connection errors, timeouts and answers outside `expect`. */
  readonly failures: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  readonly connections: number;
  /** Stop after this many responses… */
  readonly amount?: number;
  /** …or after this many seconds. */
  readonly seconds?: number;
  /** Path per request (a random pick), instead of the URL's path. */
  readonly paths?: readonly string[];
  /** Status codes that count as success (default: 2xx). */
  readonly expect?: readonly number[];
  readonly timeoutSeconds?: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? (finite[mid] ?? Number.NaN) : ((finite[mid - 1] ?? 0) + (finite[mid] ?? 0)) / 2;
}

/** Runs autocannon (keep-alive connections, no pipelining) and measures from its per-response events. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let bad = 0;
  let bytes = 0;
  const expected = new Set(options.expect ?? []);
  const isOk = (status: number) => (expected.size > 0 ? expected.has(status) : status >= 200 && status < 300);
  const paths = options.paths;
  let started = 0;
  let firstAt = 0;
  let lastAt = 0;
  let finish: (error: Error | null, result: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    connections: options.connections,
    pipelining: 1,
    timeout: options.timeoutSeconds ?? 120,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
    ...(paths !== undefined && paths.length > 0
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({
                ...request,
                path: paths[Math.floor(Math.random() * paths.length)] ?? '/',
              }),
            },
          ],
        }
      : {}),
  }, (error, result) => finish(error, result));
  instance.on('response', (_client: unknown, status: number, resBytes: number, responseTime: number) => {
    const now = performance.now();
    if (firstAt === 0) firstAt = now;
    lastAt = now;
    if (isOk(status)) {
      ok += 1;
      bytes += resBytes;
      latencies.push(responseTime);
    } else {
      bad += 1;
    }
  });
  started = performance.now();
  const result = await done;
  const ended = performance.now();
  latencies.sort((a, b) => a - b);
  // From the start to the last response: the tail of a duration-bound run has no unfinished requests counted.
  const seconds = Math.max(1e-6, ((options.amount !== undefined ? lastAt || ended : ended) - started) / 1000);
  void firstAt;
  return {
    requests: ok,
    seconds,
    rps: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    bytesPerSecond: bytes / seconds,
    // autocannon counts timeouts among its errors.
    failures: bad + result.errors,
  };
}
