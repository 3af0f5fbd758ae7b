import type { Kysely, Selectable } from 'kysely';
import type { ApiKey, ApiKeyRepository } from '../ports/repositories.js';
import type { ApiKeysTable, DB } from './schema.js';
import { affected, toDateOrNull, toMs } from './row-mapping.js';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    hash: row.hash,
    createdAt: new Date(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(key: { userId: number; label: string; hash: string; createdAt: Date }): Promise<ApiKey> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ user_id: key.userId, label: key.label, hash: key.hash, created_at: toMs(key.createdAt), last_used_at: null, revoked_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiKey(row);
  }

  async findById(id: number): Promise<ApiKey | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async listByUser(userId: number): Promise<ApiKey[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(toApiKey);
  }

  async revoke(id: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: toMs(at) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return affected(result);
  }

  async touch(id: number, at: Date): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: toMs(at) }).where('id', '=', id).execute();
  }
}
