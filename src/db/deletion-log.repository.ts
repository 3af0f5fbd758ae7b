import type { Kysely } from 'kysely';
import type { DeletionLogRepository, DeletionRecord } from '../ports/repositories.js';
import type { DB } from './schema.js';
import { toMs } from './row-mapping.js';

/** The deletions log (migration 0004): append-only, read by operators and the multi-instance test. */
export class KyselyDeletionLogRepository implements DeletionLogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async record(entry: DeletionRecord): Promise<void> {
    await this.db
      .insertInto('deletions')
      .values({ image_id: entry.imageId, reason: entry.reason.slice(0, 40), instance_id: entry.instanceId.slice(0, 64), deleted_at: toMs(entry.deletedAt) })
      .execute();
  }

  async listSince(since: Date, limit: number): Promise<DeletionRecord[]> {
    const rows = await this.db
      .selectFrom('deletions')
      .select(['image_id', 'reason', 'instance_id', 'deleted_at'])
      .where('deleted_at', '>=', toMs(since))
      .orderBy('deleted_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ imageId: r.image_id, reason: r.reason, instanceId: r.instance_id, deletedAt: new Date(r.deleted_at) }));
  }
}
