import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Repositories } from '../ports/repositories.js';
import { KyselyAlbumRepository } from './album.repository.js';
import { KyselyApiKeyRepository } from './api-key.repository.js';
import { KyselyCategoryRepository } from './category.repository.js';
import { driverErrorCode } from './db-errors.js';
import { KyselyImageRepository } from './image.repository.js';
import { KyselyJobRepository } from './job.repository.js';
import { migrationProvider } from './migrations/index.js';
import type { DB, SqlDialect } from './schema.js';
import { KyselySettingRepository } from './setting.repository.js';
import { KyselySessionRepository } from './session.repository.js';
import { KyselyRateLimitRepository } from './rate-limit.repository.js';
import { KyselyDeletionLogRepository } from './deletion-log.repository.js';
import { PinholeSqliteDialect } from './sqlite-dialect.js';
import { preparingPool } from './prepared-statements.js';
import { startWalCheckpointer } from './sqlite-checkpointer.js';
import { sqliteReader, type SqliteReader } from './sqlite-reader.js';
import { KyselyUserRepository } from './user.repository.js';
import { KyselyAdminRepository } from './admin.repository.js';
import { KyselyListingRepository } from './listing.repository.js';
import { KyselyCurationRepository } from './curation.repository.js';

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly schema?: string;
      /** Page-view queries as named prepared statements (default true); off behind a pooler that cannot keep them. */
      readonly preparedStatements?: boolean;
    };

export interface DatabaseOptions {
  /**
   * Errors of idle PostgreSQL connections (server restart, network drop). The pool discards the
   * connection and the next query reconnects; without a listener pg would crash the process.
   */
  readonly onPoolError?: (error: Error) => void;
  /** Something about the database an operator should know, found while opening it (the server logs it). */
  readonly onWarning?: (message: string) => void;
}

/**
 * SQLite statistics from an `ANALYZE` (`sqlite_stat4`) make SQLite prepare again, on every run, each
 * statement whose plan could depend on a bound value: most page-view queries, 40–50 % more CPU per
 * viewer page (BENCHMARKS.md). Pinhole never writes them, so they come from maintenance by hand.
 */
export const SQLITE_STATISTICS_WARNING =
  'pinhole.db holds SQLite statistics (sqlite_stat4, from ANALYZE or PRAGMA optimize), which make every page view cost more: ' +
  'run "DROP TABLE sqlite_stat1; DROP TABLE sqlite_stat4;" on it and restart (docs/deploy.md)';

const PG_POOL_SIZE = 10;
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
/** Plain identifiers only: the name goes into a connection startup option, where quoting rules differ. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the metadata database and brings its schema up to date before returning.
 * SQLite: one better-sqlite3 connection in WAL mode (the parent directory is created).
 * PostgreSQL: a pool of {@link PG_POOL_SIZE}; with `schema`, every connection works in that
 * schema (created when missing), which is how tests isolate their runs.
 */
export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<Database> {
  const { db, dialect, reader } = await openKyselyDatabase(config, options);
  return createDatabase(db, dialect, reader);
}

/**
 * Opens and migrates like {@link openDatabase}, but hands out the Kysely instance itself: for
 * `pinhole migrate`, which copies every table between two databases. The caller destroys it.
 */
export async function openKyselyDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<{ db: Kysely<DB>; dialect: SqlDialect; reader: SqliteReader | null }> {
  const { db, dialect, reader } =
    config.kind === 'sqlite' ? openSqlite(config.file) : openPostgres(config.url, config.schema, config.preparedStatements ?? true, options.onPoolError ?? (() => undefined));
  try {
    const migrationSchema = config.kind === 'postgres' ? await preparePostgresSchema(db, config.schema) : undefined;
    await migrate(db, dialect, migrationSchema);
    if (dialect === 'sqlite' && options.onWarning !== undefined) {
      const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'sqlite_stat4'`.execute(db);
      if (rows.length > 0) options.onWarning(SQLITE_STATISTICS_WARNING);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, reader };
}

function openSqlite(file: string): { db: Kysely<DB>; dialect: SqlDialect; reader: SqliteReader | null } {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const connection = new BetterSqlite3(file);
  try {
    // First, so that switching to WAL also waits for a process holding the file instead of failing.
    connection.pragma('busy_timeout = 5000');
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
  } catch (error) {
    connection.close();
    throw error;
  }
  // Checkpoints (and their fsyncs) run in a worker thread, never on the event loop.
  const checkpointer = file === ':memory:' ? null : startWalCheckpointer(path.resolve(file), connection);
  // Searches run on a connection of their own in a worker thread (see sqliteReader).
  const reader = file === ':memory:' ? null : sqliteReader(path.resolve(file));
  const database = {
    prepare: (text: string) => connection.prepare(text),
    close: () => {
      reader?.close();
      checkpointer?.stop();
      connection.close();
    },
  };
  return { db: new Kysely<DB>({ dialect: new PinholeSqliteDialect({ database }) }), dialect: 'sqlite', reader };
}

function openPostgres(url: string, schema: string | undefined, prepared: boolean, onPoolError: (error: Error) => void): { db: Kysely<DB>; dialect: SqlDialect; reader: null } {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`);
  }
  // Parsers scoped to this pool: pg's global `types.setTypeParser` would change results for every other pg user in the process.
  const types = new pg.TypeOverrides();
  types.setTypeParser(PG_INT8, parseSafeInteger);
  types.setTypeParser(PG_NUMERIC, Number);
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', onPoolError);
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: prepared ? preparingPool(pool) : pool }) }), dialect: 'postgres', reader: null };
}

function parseSafeInteger(text: string): number {
  const value = Number(text);
  // Ids, byte sizes and epoch milliseconds all fit; anything larger would silently lose precision.
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return value;
}

/**
 * Returns the schema the migration bookkeeping tables belong in. Kysely's migrator looks for its
 * tables in every schema unless told which one, so a second schema in the same database (another
 * test run, another app) would otherwise make it believe they already exist.
 */
async function preparePostgresSchema(db: Kysely<DB>, schema: string | undefined): Promise<string> {
  if (schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    } catch (error) {
      // Concurrent `create schema if not exists` can still collide on the catalogue's unique index.
      const code = driverErrorCode(error);
      if (code !== '23505' && code !== '42P06') throw error;
    }
    return schema;
  }
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const current = rows[0]?.schema;
  if (current === undefined || current === null) throw new Error('PostgreSQL search_path names no existing schema');
  return current;
}

/**
 * Processes starting together apply each migration once. On PostgreSQL, Kysely's migrator holds a
 * session-level advisory lock around the run and reads the applied migrations only once it has it.
 * On SQLite the run is one BEGIN IMMEDIATE transaction (see PinholeSqliteDialect), so the write
 * lock plays that part.
 */
async function migrate(db: Kysely<DB>, dialect: SqlDialect, migrationTableSchema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  throw new Error(failed === undefined ? 'database migration failed' : `database migration ${failed} failed`, { cause: error });
}

function repositoriesOver(db: Kysely<DB>, dialect: SqlDialect, reader: SqliteReader | null): Repositories {
  return {
    users: new KyselyUserRepository(db),
    apiKeys: new KyselyApiKeyRepository(db),
    albums: new KyselyAlbumRepository(db),
    categories: new KyselyCategoryRepository(db),
    images: new KyselyImageRepository(db, dialect),
    jobs: new KyselyJobRepository(db, dialect),
    settings: new KyselySettingRepository(db),
    sessions: new KyselySessionRepository(db),
    rateLimits: new KyselyRateLimitRepository(db),
    deletions: new KyselyDeletionLogRepository(db),
    admin: new KyselyAdminRepository(db),
    listings: new KyselyListingRepository(db, reader),
    curation: new KyselyCurationRepository(db),
  };
}

function createDatabase(db: Kysely<DB>, dialect: SqlDialect, reader: SqliteReader | null): Database {
  let closing: Promise<void> | undefined;
  return {
    dialect,
    ...repositoriesOver(db, dialect, reader),
    // Inside a transaction every read goes through it, so it sees its own writes.
    transaction: (fn) => db.transaction().execute((trx) => fn(repositoriesOver(trx, dialect, null))),
    close: () => (closing ??= db.destroy()),
  };
}
