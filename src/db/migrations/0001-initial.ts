import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * The surrogate key is the only column whose type differs: SQLite needs exactly
 * `integer primary key autoincrement` (a rowid alias that never reuses ids of deleted rows, which
 * matters because image ids become public URLs); PostgreSQL gets a bigint identity.
 */
function withId<TB extends string>(table: CreateTableBuilder<TB>, dialect: SqlDialect): CreateTableBuilder<TB, 'id'> {
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity());
}

export function initialMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute();

      await withId(db.schema.createTable('users'), dialect)
        .addColumn('username', 'text', (col) => col.notNull().unique())
        .addColumn('username_lower', 'text', (col) => col.notNull().unique())
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('is_admin', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('keep_exif', 'integer')
        .addColumn('default_expiration', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();

      await withId(db.schema.createTable('api_keys'), dialect)
        .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('label', 'text', (col) => col.notNull())
        .addColumn('hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_keys_user_id').on('api_keys').column('user_id').execute();

      await withId(db.schema.createTable('albums'), dialect)
        .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('privacy', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('image_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('albums_user_id').on('albums').column('user_id').execute();

      await withId(db.schema.createTable('categories'), dialect)
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('url_key', 'text', (col) => col.notNull().unique())
        .execute();

      await withId(db.schema.createTable('images'), dialect)
        .addColumn('user_id', 'bigint', (col) => col.references('users.id').onDelete('set null'))
        .addColumn('api_key_id', 'bigint', (col) => col.references('api_keys.id').onDelete('set null'))
        .addColumn('album_id', 'bigint', (col) => col.references('albums.id').onDelete('set null'))
        .addColumn('category_id', 'bigint', (col) => col.references('categories.id').onDelete('set null'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('extension', 'text', (col) => col.notNull())
        .addColumn('mime', 'text', (col) => col.notNull())
        .addColumn('storage_mode', 'text', (col) => col.notNull())
        .addColumn('date_path', 'text', (col) => col.notNull())
        .addColumn('original_filename', 'text', (col) => col.notNull())
        .addColumn('title', 'text')
        .addColumn('description', 'text')
        .addColumn('size', 'bigint', (col) => col.notNull())
        .addColumn('width', 'integer', (col) => col.notNull())
        .addColumn('height', 'integer', (col) => col.notNull())
        .addColumn('md5', 'text', (col) => col.notNull())
        .addColumn('source_md5', 'text')
        .addColumn('sha256', 'text', (col) => col.notNull())
        .addColumn('chain', 'integer', (col) => col.notNull())
        .addColumn('thumb_size', 'bigint', (col) => col.notNull())
        .addColumn('medium_size', 'bigint', (col) => col.notNull())
        .addColumn('frame_size', 'bigint', (col) => col.notNull())
        .addColumn('is_animated', 'integer', (col) => col.notNull())
        .addColumn('is_approved', 'integer', (col) => col.notNull())
        .addColumn('is_360', 'integer', (col) => col.notNull())
        .addColumn('nsfw', 'integer', (col) => col.notNull())
        .addColumn('duration', 'double precision', (col) => col.notNull())
        .addColumn('date_ms', 'bigint', (col) => col.notNull())
        .addColumn('uploaded_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('views', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('likes', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('original_exif', 'text')
        .addColumn('uploader_ip', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
        .execute();
      const imageIndexes: ReadonlyArray<readonly [string, readonly string[]]> = [
        ['images_ip_uploaded', ['uploader_ip', 'uploaded_at']],
        ['images_api_key_uploaded', ['api_key_id', 'uploaded_at']],
        ['images_user_sha256', ['user_id', 'sha256']],
        ['images_album_id', ['album_id', 'id']],
        ['images_user_id', ['user_id', 'id']],
        ['images_uploaded_at', ['uploaded_at']],
      ];
      for (const [name, columns] of imageIndexes) {
        await db.schema.createIndex(name).on('images').columns([...columns]).execute();
      }
      // Almost every row is 'active', so a plain status index would only mislead planners without
      // statistics (SQLite guesses an equality match is selective and prefers it over the expiry or
      // sha256 indexes). The few rows being deleted get a partial index of their own instead.
      await db.schema
        .createIndex('images_deleting')
        .on('images')
        .column('id')
        .where(sql.ref('status'), '=', sql.lit('deleting'))
        .execute();
      // Most images never expire; a partial index keeps the expiry sweep's index small.
      await db.schema
        .createIndex('images_expires_at')
        .on('images')
        .column('expires_at')
        .where('expires_at', 'is not', null)
        .execute();

      await db.schema
        .createTable('image_files')
        .addColumn('image_id', 'bigint', (col) => col.notNull().references('images.id').onDelete('cascade'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull().unique())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('extension', 'text', (col) => col.notNull())
        .addColumn('mime', 'text', (col) => col.notNull())
        .addColumn('size', 'bigint', (col) => col.notNull())
        .addColumn('width', 'integer', (col) => col.notNull())
        .addColumn('height', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('image_files_pk', ['image_id', 'kind'])
        .execute();

      await withId(db.schema.createTable('tags'), dialect)
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('name_lower', 'text', (col) => col.notNull().unique())
        .execute();

      await db.schema
        .createTable('image_tags')
        .addColumn('image_id', 'bigint', (col) => col.notNull().references('images.id').onDelete('cascade'))
        .addColumn('tag_id', 'bigint', (col) => col.notNull().references('tags.id').onDelete('cascade'))
        .addColumn('position', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('image_tags_pk', ['image_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('image_tags_tag_id').on('image_tags').column('tag_id').execute();

      await db.schema
        .createTable('image_delete_secrets')
        .addColumn('image_id', 'bigint', (col) => col.primaryKey().references('images.id').onDelete('cascade'))
        .addColumn('hash', 'text', (col) => col.notNull())
        .execute();

      await withId(db.schema.createTable('jobs'), dialect)
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('run_at', 'bigint', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('jobs_status_run_at').on('jobs').columns(['status', 'run_at']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const tables = [
        'jobs', 'image_delete_secrets', 'image_tags', 'tags', 'image_files', 'images',
        'categories', 'albums', 'api_keys', 'users', 'settings',
      ];
      for (const table of tables) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
