import type { Kysely } from 'kysely';
import type { Job, JobRepository } from '../ports/repositories.js';
import type { DB, SqlDialect } from './schema.js';
import { toMs } from './row-mapping.js';

/**
 * Jobs queue over one table. A job is `pending` until it completes (the row is deleted, keeping
 * the table as small as the backlog) or exhausts its retries (`failed`, kept for inspection).
 * A lease is `locked_by` + `locked_until`; nothing clears it on claim, so an expired lease simply
 * makes the job claimable again.
 */
export class KyselyJobRepository implements JobRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: SqlDialect,
  ) {}

  async enqueue(job: { type: string; payload: string; runAt: Date }): Promise<number> {
    const row = await this.db
      .insertInto('jobs')
      .values({
        type: job.type,
        payload: job.payload,
        run_at: toMs(job.runAt),
        locked_by: null,
        locked_until: null,
        last_error: null,
        // Informational only (never compared), so the wall clock is acceptable here.
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * One UPDATE … WHERE id IN (due jobs) statement. On PostgreSQL the inner SELECT takes row locks
   * with SKIP LOCKED so concurrent workers pick disjoint jobs instead of queueing behind each other;
   * a row another worker claimed meanwhile is re-checked against the WHERE clause and dropped.
   * SQLite has a single writer, so the statement alone is atomic.
   */
  async claim(now: Date, worker: string, leaseUntil: Date, limit: number): Promise<Job[]> {
    if (limit <= 0) return [];
    const nowMs = toMs(now);
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({ locked_by: worker, locked_until: toMs(leaseUntil), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'pending')
          .where('run_at', '<=', nowMs)
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', nowMs)]))
          .orderBy('run_at')
          .orderBy('id')
          .limit(limit)
          .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
      )
      .returning(['id', 'type', 'payload', 'run_at', 'attempts'])
      .execute();
    return rows
      .map((row) => ({ id: row.id, type: row.type, payload: row.payload, runAt: new Date(row.run_at), attempts: row.attempts }))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  async complete(id: number): Promise<void> {
    await this.db.deleteFrom('jobs').where('id', '=', id).execute();
  }

  async fail(id: number, error: string, retryAt: Date | null): Promise<void> {
    const released = { locked_by: null, locked_until: null, last_error: error };
    await this.db
      .updateTable('jobs')
      .set(retryAt === null ? { ...released, status: 'failed' } : { ...released, run_at: toMs(retryAt) })
      .where('id', '=', id)
      .execute();
  }

  async countPending(): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
