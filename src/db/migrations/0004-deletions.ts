import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * The deletions log: one row per deleted upload, written in the transaction that deletes its rows,
 * so it records each deletion exactly once whichever instance (or retry) carried it out. No unique
 * key on image_id on purpose: a duplicate would be a bug to see in the log, not an error to hide.
 */
export function deletionsMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema.createTable('deletions');
      await (dialect === 'sqlite'
        ? table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
        : table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity()))
        .addColumn('image_id', 'bigint', (col) => col.notNull())
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('instance_id', 'text', (col) => col.notNull())
        .addColumn('deleted_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('deletions_image_id').on('deletions').column('image_id').execute();
      await db.schema.createIndex('deletions_deleted_at').on('deletions').column('deleted_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('deletions').execute();
    },
  };
}
