import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

export function toMs(date: Date): number {
  const ms = date.getTime();
  // An invalid Date would be stored as NULL by SQLite and rejected by PostgreSQL; fail the same way on both.
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return ms;
}

export function toMsOrNull(date: Date | null): number | null {
  return date === null ? null : toMs(date);
}

export function toDateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function toFlagOrNull(value: boolean | null): number | null {
  return value === null ? null : toFlag(value);
}

export function fromFlagOrNull(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

/** Text columns hold enumerations; a value outside the set means the data was edited by hand or by a newer version. */
export function narrow<const T extends string>(value: string, allowed: readonly T[], column: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`unexpected ${column} value in database: ${JSON.stringify(value)}`);
  return found;
}

/** Runs `fn` in the caller's transaction when there is one, else in a new one. */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<DB>) => fn(trx));
}

/** UpdateResult / DeleteResult counts are bigint in Kysely. */
export function affected(result: { numUpdatedRows: bigint } | { numDeletedRows: bigint }): boolean {
  return ('numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows) > 0n;
}
