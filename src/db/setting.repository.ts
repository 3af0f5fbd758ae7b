import type { Kysely } from 'kysely';
import type { SettingRepository } from '../ports/repositories.js';
import type { DB } from './schema.js';

export class KyselySettingRepository implements SettingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? row.value : null;
  }

  /** Two instances starting together may both generate a value; the first insert wins and both read it back. */
  async getOrInit(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const stored = await this.get(key);
    if (stored === null) throw new Error(`setting ${key} vanished right after it was initialised`);
    return stored;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', key).execute();
  }

  async list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    // LIKE finds a superset (`_`, `%` and SQLite's case folding); the exact test is done here, which
    // also keeps collation rules of either database out of it.
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', `${prefix}%`).orderBy('key').execute();
    return rows.filter((row) => row.key.startsWith(prefix));
  }
}
