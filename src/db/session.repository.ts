import type { Kysely, Selectable } from 'kysely';
import type { Session, SessionRepository } from '../ports/repositories.js';
import type { DB, SessionsTable } from './schema.js';
import { toMs } from './row-mapping.js';

function toSession(row: Selectable<SessionsTable>): Session {
  return { id: row.id, userId: row.user_id, data: row.data, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) };
}

/** Server-side sessions, keyed by the hash of the cookie token. */
export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(session: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id: session.id, user_id: session.userId, data: session.data, created_at: toMs(session.createdAt), expires_at: toMs(session.expiresAt) })
      .execute();
  }

  async find(id: string, now: Date): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', toMs(now)).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async update(id: string, patch: { userId?: number | null; data?: string; expiresAt?: Date }): Promise<void> {
    const values: { user_id?: number | null; data?: string; expires_at?: number } = {};
    if (patch.userId !== undefined) values.user_id = patch.userId;
    if (patch.data !== undefined) values.data = patch.data;
    if (patch.expiresAt !== undefined) values.expires_at = toMs(patch.expiresAt);
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('sessions').set(values).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteByUser(userId: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', toMs(now)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
