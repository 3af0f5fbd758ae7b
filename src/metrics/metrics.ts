import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { MetricsText } from '../cluster/peers.js';

/**
 * Process-wide metrics (CPU, memory, event-loop lag) in one registry per process: prom-client's
 * collectors (an event-loop monitor among them) cannot be stopped, so each app built in one process
 * (tests build many) must not start its own.
 */
let processRegistry: Registry | null = null;

function processMetrics(instanceId: string): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    processRegistry.setDefaultLabels({ instance: instanceId });
    collectDefaultMetrics({ register: processRegistry, prefix: 'pinhole_' });
  }
  return processRegistry;
}

export type UploadOutcome = 'success' | 'reused' | string;

export interface MetricsOptions {
  /** Every series carries `instance` = this, so one dashboard can tell the processes of a site apart. */
  readonly instanceId: string;
  /** Read when Prometheus scrapes: jobs waiting in the queue (all instances share it). */
  readonly queueDepth: () => Promise<number>;
}

/**
 * The process's Prometheus metrics, in a registry of its own (tests build several apps in one
 * process, and prom-client's global registry would mix them). Labels are bounded: routes are
 * Fastify's patterns (never raw URLs), outcomes are error codes from the catalogue.
 */
export class PinholeMetrics {
  readonly registry = new Registry();
  readonly #process: Registry;
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route'>;
  readonly #uploads: Counter<'type' | 'outcome'>;
  readonly #storedBytes: Counter<'type'>;
  readonly #processing: Histogram<'type'>;
  /** Fast-lane answers not yet added to `#requests`: GET 200, GET 304, HEAD 200, HEAD 304. */
  readonly #memoryAnswers = [0, 0, 0, 0];

  constructor(options: MetricsOptions) {
    this.registry.setDefaultLabels({ instance: options.instanceId });
    this.#process = processMetrics(options.instanceId);
    this.#requests = new Counter({
      name: 'pinhole_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      // Answers of the media fast lane are tallied in plain numbers and added when scraped.
      collect: () => this.#flushMemoryAnswers(),
    });
    this.#latency = new Histogram({
      name: 'pinhole_http_request_duration_seconds',
      help: 'Time from request to the last byte of the answer, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.#uploads = new Counter({
      name: 'pinhole_uploads_total',
      help: 'Uploads that reached the upload service, by media type (image, video, unknown) and outcome (success, reused, or the error code)',
      labelNames: ['type', 'outcome'],
      registers: [this.registry],
    });
    this.#storedBytes = new Counter({
      name: 'pinhole_stored_bytes_total',
      help: 'Bytes written to storage by uploads (originals and derivatives), by media type',
      labelNames: ['type'],
      registers: [this.registry],
    });
    this.#processing = new Histogram({
      name: 'pinhole_media_processing_seconds',
      help: 'Time spent processing one upload (probe, orientation, resize, thumbnails, frames), by media type',
      labelNames: ['type'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [this.registry],
    });
    new Gauge({
      name: 'pinhole_job_queue_depth',
      help: 'Jobs waiting in the shared queue (pending, due or not)',
      registers: [this.registry],
      async collect() {
        this.set(await options.queueDepth());
      },
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#latency.observe({ method, route }, seconds);
  }

  /**
   * A stored file answered from memory by the media fast lane (`/images/*`): counted in
   * `pinhole_http_requests_total` but not timed (microseconds, all of it in the kernel), so the
   * hot path costs an array increment instead of two label lookups.
   */
  memoryAnswer(method: 'GET' | 'HEAD', status: 200 | 304): void {
    this.#memoryAnswers[(method === 'GET' ? 0 : 2) + (status === 200 ? 0 : 1)]! += 1;
  }

  #flushMemoryAnswers(): void {
    const counts = this.#memoryAnswers;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i]!;
      if (n === 0) continue;
      counts[i] = 0;
      this.#requests.inc({ method: i < 2 ? 'GET' : 'HEAD', route: '/images/*', status: i % 2 === 0 ? '200' : '304' }, n);
    }
  }

  upload(type: string, outcome: UploadOutcome, storedBytes = 0): void {
    this.#uploads.inc({ type, outcome });
    if (storedBytes > 0) this.#storedBytes.inc({ type }, storedBytes);
  }

  processing(type: string, seconds: number): void {
    this.#processing.observe({ type }, seconds);
  }

  async render(): Promise<MetricsText> {
    const body = (await this.#process.metrics()) + (await this.registry.metrics());
    return { contentType: this.registry.contentType, body };
  }

  /** This process's series in prom-client's JSON form (what a cluster's primary merges). */
  async series(): Promise<Array<Record<string, unknown>>> {
    const all = [...(await this.#process.getMetricsAsJSON()), ...(await this.registry.getMetricsAsJSON())];
    return all as unknown as Array<Record<string, unknown>>;
  }
}

/**
 * The series of several processes in one exposition: each metric's help and type once, with every
 * process's samples under it (their `instance` labels keep them apart).
 */
export async function mergeSeries(parts: ReadonlyArray<ReadonlyArray<Record<string, unknown>>>): Promise<MetricsText> {
  const merged = AggregatorRegistry.aggregate(parts as unknown as Array<Array<MetricObjectWithValues<MetricValue<string>>>>);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
