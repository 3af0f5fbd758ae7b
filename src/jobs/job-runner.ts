import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import type { JobRepository } from '../ports/repositories.js';

export type JobHandler = (payload: string) => Promise<void>;

export interface JobRunnerDeps {
  readonly jobs: JobRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Work done on every tick before claiming jobs (e.g. queueing expired uploads). */
  readonly periodic: ReadonlyArray<() => Promise<unknown>>;
  readonly intervalMs: number;
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
}

/**
 * In-process runner over the jobs table: claims due jobs with a lease, runs them, retries with
 * back-off. A job whose worker died is claimed again when its lease runs out.
 */
export class JobRunner {
  private readonly worker = `worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: JobRunnerDeps) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'job tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: periodic work, then every due job. Tests call this directly instead of waiting. */
  async runOnce(): Promise<number> {
    const { jobs, clock, logger, handlers } = this.deps;
    for (const task of this.deps.periodic) await task();
    const leaseMs = this.deps.leaseMs ?? 5 * 60_000;
    const maxAttempts = this.deps.maxAttempts ?? 5;
    let done = 0;
    for (;;) {
      const now = clock.now();
      const batch = await jobs.claim(now, this.worker, new Date(now.getTime() + leaseMs), 20);
      if (batch.length === 0) return done;
      for (const job of batch) {
        const handler = handlers[job.type];
        try {
          if (!handler) throw new Error(`no handler for job type ${job.type}`);
          await handler(job.payload);
          await jobs.complete(job.id);
          done++;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const retryAt = job.attempts >= maxAttempts ? null : new Date(clock.now().getTime() + 2 ** job.attempts * 10_000);
          logger.warn({ jobId: job.id, type: job.type, attempts: job.attempts, err: error }, 'job failed');
          await jobs.fail(job.id, message.slice(0, 1000), retryAt);
        }
      }
    }
  }
}
