import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect with three changes that matter once more than one process opens the file
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
 */
export class PinholeSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
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
