import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';

/** Statements kept compiled per connection: every distinct query text the app runs, with room to spare. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite dialect with four changes that matter once more than one process opens the file
 * (the server and an admin CLI, or two instances starting together):
 *
 * - Transactions start with BEGIN IMMEDIATE. A deferred transaction that reads and then writes
 *   fails at once with SQLITE_BUSY_SNAPSHOT when another connection committed in between;
 *   taking the write lock up front makes it wait (busy_timeout) and then see fresh data.
 * - The adapter declares transactional DDL, which SQLite has. Kysely's stock adapter says it
 *   does not, so its migrator would run each migration statement by statement, without a lock:
 *   a crash half-way left a schema no rerun could fix, and two processes could both apply the
 *   same migration. Inside one immediate transaction, the second process waits for the first
 *   and then finds the migration already recorded.
 * - A rollback after SQLite already rolled back is not an error (see rollbackTransaction).
 * - Prepared statements are kept by SQL text (see cachedStatements): Kysely asks better-sqlite3 to
 *   prepare every query it runs, and compiling the SQL cost about as much as running it.
 */
export class PinholeSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    const { database } = this.#config;
    return new ImmediateTransactionSqliteDriver({
      ...this.#config,
      database: typeof database === 'function' ? async () => cachedStatements(await database()) : cachedStatements(database),
    });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL on a full disk, IOERR,
   * NOMEM). Kysely's explicit rollback then fails with "no transaction is active", and that error
   * would replace the real one, turning "disk full" into an anonymous internal error.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      if (error instanceof Error && /no transaction is active/i.test(error.message)) return;
      throw error;
    }
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * The connection with its prepared statements reused by SQL text (least recently used dropped
 * beyond {@link STATEMENT_CACHE_SIZE}). Kysely runs one query at a time on the connection, so a
 * statement is never shared by two queries; one still being iterated (a stream) is not reused.
 * SQLite re-prepares a cached statement by itself after a schema change.
 */
export function cachedStatements(database: SqliteDatabase, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined && (cached as { busy?: boolean }).busy !== true) {
        // Map order is the recency order.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached === undefined) {
        statements.set(sql, statement);
        if (statements.size > size) statements.delete(statements.keys().next().value as string);
      }
      return statement;
    },
  };
}
