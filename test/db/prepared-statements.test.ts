/**
 * Page-view queries run as named prepared statements on PostgreSQL, and a statement made stale by
 * a migration elsewhere (a `select *` whose table gained a column) is answered, not failed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparingPool, registerPreparedStatement } from '../../src/db/prepared-statements.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

let target: TestSchema | null;
let pool: pg.Pool | null = null;

beforeAll(async () => {
  target = await createTestSchema();
  if (target === null) return;
  const setup = new pg.Client({ connectionString: target.url });
  await setup.connect();
  await setup.query(`create schema ${pg.escapeIdentifier(target.schema)}`);
  await setup.query(`create table ${pg.escapeIdentifier(target.schema)}.things (id int primary key, label text)`);
  await setup.query(`insert into ${pg.escapeIdentifier(target.schema)}.things values (1, 'one'), (2, 'two')`);
  await setup.end();
  pool = new pg.Pool({ connectionString: target.url, max: 1, options: `-c search_path=${target.schema}` });
});

afterAll(async () => {
  await pool?.end();
  await target?.drop();
});

describe('prepared statements (PostgreSQL)', () => {
  it('prepares registered texts once per connection and leaves the others unnamed', async (context) => {
    if (pool === null) return context.skip();
    const sqlText = 'select "label" from "things" where "id" = $1';
    registerPreparedStatement(sqlText);
    const wrapped = preparingPool(pool);
    const client = await wrapped.connect();
    try {
      expect((await client.query<{ label: string }>(sqlText, [1])).rows).toEqual([{ label: 'one' }]);
      expect((await client.query<{ label: string }>(sqlText, [2])).rows).toEqual([{ label: 'two' }]);
      await client.query('select "id" from "things" where "id" = $1', [1]);
      const prepared = await client.query<{ statement: string }>('select statement from pg_prepared_statements', []);
      expect(prepared.rows.map((r) => r.statement)).toEqual([sqlText]);
    } finally {
      client.release();
    }
  });

  it('answers a statement a migration made stale, then retires that connection', async (context) => {
    if (pool === null || target === null) return context.skip();
    const sqlText = 'select * from "things" where "id" = $1';
    registerPreparedStatement(sqlText);
    const wrapped = preparingPool(pool);
    const first = await wrapped.connect();
    const pid = (await first.query<{ pid: number }>('select pg_backend_pid() as pid', [])).rows[0]?.pid;
    expect((await first.query(sqlText, [1])).rows).toEqual([{ id: 1, label: 'one' }]);
    first.release();
    const other = new pg.Client({ connectionString: target.url });
    await other.connect();
    await other.query(`alter table ${pg.escapeIdentifier(target.schema)}.things add column note text`);
    await other.end();
    const again = await wrapped.connect();
    expect((await again.query(sqlText, [1])).rows).toEqual([{ id: 1, label: 'one', note: null }]);
    again.release();
    // The pool opened a new connection, which prepares against the table as it is now.
    const next = await wrapped.connect();
    try {
      expect((await next.query<{ pid: number }>('select pg_backend_pid() as pid', [])).rows[0]?.pid).not.toBe(pid);
      expect((await next.query(sqlText, [2])).rows).toEqual([{ id: 2, label: 'two', note: null }]);
    } finally {
      next.release();
    }
  });
});
