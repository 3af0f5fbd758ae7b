import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * SQL texts to run as named prepared statements on PostgreSQL: the queries of every page view
 * (CompiledQueries registers each template here), a bounded set. PostgreSQL then parses and plans
 * each of them once per connection, not on every request; for the viewer's album neighbours the
 * planning alone measured 0.43 ms against 0.11 ms of execution.
 */
const names = new Map<string, string>();

export function registerPreparedStatement(sqlText: string): void {
  if (!names.has(sqlText)) names.set(sqlText, `ph_${createHash('sha256').update(sqlText).digest('hex').slice(0, 24)}`);
}

/**
 * The pool as Kysely's PostgreSQL dialect sees it, with registered texts sent as named statements
 * (`pg` prepares a name once per connection and reuses it). Other queries pass through untouched.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    /** Set when a statement prepared here went stale: the connection is closed instead of reused. */
    let stale = false;
    const named = async (name: string, text: string, values: unknown[]) => {
      try {
        return await client.query({ name, text, values });
      } catch (error) {
        // A migration by another instance changed a table under a `select *` prepared here:
        // "cached plan must not change result type". Run it once more unprepared, and retire the
        // connection so the next one prepares against the new table.
        if ((error as { code?: unknown }).code !== '0A000') throw error;
        stale = true;
        return client.query(text, values);
      }
    };
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof sqlOrCursor !== 'string') return (client.query as unknown as (cursor: PostgresCursor<R>) => PostgresCursor<R>)(sqlOrCursor);
      const values = parameters === undefined ? [] : [...parameters];
      const name = names.get(sqlOrCursor);
      const result = name === undefined ? client.query(sqlOrCursor, values) : named(name, sqlOrCursor, values);
      return result as unknown as Promise<PostgresQueryResult<R>>;
    }
    return { query, release: (destroy?: boolean) => client.release(destroy === true || stale) };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
