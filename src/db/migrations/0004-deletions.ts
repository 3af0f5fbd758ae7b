import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * `images.deleting_at`: when the instance now deleting an image claimed it (a lease; null while the
 * deletion waits in the job queue), so that two instances never delete the same image's files at
 * once and a deletion whose instance died is taken over once the lease is old.
 *
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
      await db.schema.alterTable('images').addColumn('deleting_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('images').dropColumn('deleting_at').execute();
      await db.schema.dropTable('deletions').execute();
    },
  };
}
