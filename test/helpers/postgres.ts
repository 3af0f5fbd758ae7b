import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  readonly url: string;
  /** Not created here: `openDatabase` creates it, so that path is exercised too. */
  readonly schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * A fresh schema name on the test PostgreSQL server (`PINHOLE_TEST_POSTGRES_URL` overrides the URL).
 * When the server is unreachable: throws under `CI=true`, so a missing service fails the run
 * instead of silently skipping; elsewhere returns null after a warning.
 */
export async function createTestSchema(): Promise<TestSchema | null> {
  const url = process.env['PINHOLE_TEST_POSTGRES_URL'] ?? DEFAULT_URL;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.query('select 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is required on CI but ${url} is unreachable: ${reason}`);
    console.warn(`PostgreSQL at ${url} is unreachable (${reason}); skipping the PostgreSQL variant`);
    return null;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const schema = `t_${randomBytes(8).toString('hex')}`;
  return {
    url,
    schema,
    async drop(): Promise<void> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
