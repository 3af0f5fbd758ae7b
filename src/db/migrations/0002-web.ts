import type { Kysely, Migration } from 'kysely';

/** The website: server-side sessions, rate-limit windows, and account preferences. */
export function webMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sessions')
        // sha256 of the cookie's token: a database leak does not hand out live sessions.
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'bigint', (col) => col.references('users.id').onDelete('cascade'))
        .addColumn('data', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('count', 'integer', (col) => col.notNull())
        .addColumn('reset_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema.alterTable('users').addColumn('language', 'text').execute();
      await db.schema.alterTable('users').addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('rate_limits').execute();
      await db.schema.dropTable('sessions').execute();
    },
  };
}
