import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, SqlDialect } from './schema.js';

/**
 * Every table `pinhole migrate` copies, parents before children, with the key it pages by.
 * `rate_limits` is left out on purpose: its counters are short-lived and start again at zero.
 */
export const COPIED_TABLES: ReadonlyArray<{ readonly name: keyof DB; readonly key: readonly string[]; readonly identity: boolean }> = [
  { name: 'settings', key: ['key'], identity: false },
  { name: 'users', key: ['id'], identity: true },
  { name: 'api_keys', key: ['id'], identity: true },
  { name: 'albums', key: ['id'], identity: true },
  { name: 'categories', key: ['id'], identity: true },
  { name: 'images', key: ['id'], identity: true },
  { name: 'image_files', key: ['image_id', 'kind'], identity: false },
  { name: 'tags', key: ['id'], identity: true },
  { name: 'image_tags', key: ['image_id', 'tag_id'], identity: false },
  { name: 'image_delete_secrets', key: ['image_id'], identity: false },
  { name: 'sessions', key: ['id'], identity: false },
  { name: 'jobs', key: ['id'], identity: true },
  { name: 'deletions', key: ['id'], identity: true },
];

const SKIPPED_TABLES = new Set(['rate_limits', 'kysely_migration', 'kysely_migration_lock']);
/** Bound parameters per INSERT, under SQLite's limit of 32,766. */
const MAX_PARAMS = 30_000;
const PAGE_ROWS = 1000;

type Row = Record<string, unknown>;

/** Tables of the current schema (SQLite: the file), without SQLite's own. */
export async function listTables(db: Kysely<DB>, dialect: SqlDialect): Promise<string[]> {
  const query =
    dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`;
  return (await query.execute(db)).rows.map((r) => r.name).sort();
}

export async function countRows(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Tables the source has rows in that this version does not know how to copy (a newer schema). */
export async function unknownTablesWithRows(db: Kysely<DB>, dialect: SqlDialect): Promise<string[]> {
  const known = new Set<string>(COPIED_TABLES.map((t) => t.name));
  const unknown: string[] = [];
  for (const table of await listTables(db, dialect)) {
    if (known.has(table) || SKIPPED_TABLES.has(table)) continue;
    if ((await countRows(db, table)) > 0) unknown.push(table);
  }
  return unknown;
}

/** Pages through a table in key order (keyset paging, so each page is an index range, not an OFFSET scan). */
export async function* readTable(db: Kysely<DB>, table: string, key: readonly string[]): AsyncIterable<Row[]> {
  let after: unknown[] | null = null;
  const keyList = sql.join(key.map((k) => sql.ref(k)));
  for (;;) {
    const where: RawBuilder<unknown> =
      after === null ? sql`` : sql`where (${keyList}) > (${sql.join(after.map((v) => sql`${v}`))})`;
    const { rows } = await sql<Row>`select * from ${sql.table(table)} ${where} order by ${keyList} limit ${PAGE_ROWS}`.execute(db);
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1] as Row;
    after = key.map((k) => last[k]);
    if (rows.length < PAGE_ROWS) return;
  }
}

/** Inserts rows as they are (ids included), in statements that stay under the parameter limit. */
export async function insertRows(db: Kysely<DB>, table: string, rows: readonly Row[]): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const perStatement = Math.max(1, Math.min(PAGE_ROWS, Math.floor(MAX_PARAMS / columns.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => sql`(${sql.join(columns.map((c) => sql`${row[c] ?? null}`))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(values)}`.execute(db);
  }
}

/** PostgreSQL identity columns do not move when ids are inserted explicitly: start them after the copied ids. */
export async function advanceIdentity(db: Kysely<DB>, dialect: SqlDialect, table: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select coalesce(max(id), 0) + 1 from ${sql.table(table)}), false)`.execute(db);
}

/**
 * Copies every row of every table from `source` into `target` (same schema version, target empty),
 * in the caller's transaction on `target`. Returns the rows copied per table.
 */
export async function copyRows(
  source: Kysely<DB>,
  target: Kysely<DB>,
  targetDialect: SqlDialect,
  progress: (table: string, rows: number) => void = () => undefined,
): Promise<Map<string, number>> {
  const copied = new Map<string, number>();
  for (const table of COPIED_TABLES) {
    let n = 0;
    for await (const rows of readTable(source, table.name, table.key)) {
      await insertRows(target, table.name, rows);
      n += rows.length;
    }
    if (table.identity) await advanceIdentity(target, targetDialect, table.name);
    copied.set(table.name, n);
    progress(table.name, n);
  }
  return copied;
}
