import type { Kysely } from 'kysely';
import type { RateLimitRepository } from '../ports/repositories.js';
import type { DB } from './schema.js';
import { inTransaction, toMs } from './row-mapping.js';

/**
 * Fixed-window counters in the database, so every instance of a scaled-out site sees the same
 * counts. One upsert per hit; a window that ran out starts again at 1.
 */
export class KyselyRateLimitRepository implements RateLimitRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }> {
    const nowMs = toMs(now);
    return inTransaction(this.db, async (trx) => {
      const row = await trx
        .insertInto('rate_limits')
        .values({ key, count: 1, reset_at: nowMs + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            count: eb.case().when('rate_limits.reset_at', '<=', nowMs).then(1).else(eb('rate_limits.count', '+', 1)).end(),
            reset_at: eb.case().when('rate_limits.reset_at', '<=', nowMs).then(nowMs + windowMs).else(eb.ref('rate_limits.reset_at')).end(),
          })),
        )
        .returning(['count', 'reset_at'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), resetAt: new Date(Number(row.reset_at)) };
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
