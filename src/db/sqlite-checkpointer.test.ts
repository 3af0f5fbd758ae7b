import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './sqlite-checkpointer.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('WAL checkpoints in a worker thread', () => {
  it('keeps the connection from checkpointing and copies the WAL back from the worker', { timeout: 20_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pinhole-wal-'));
    const file = path.join(dir, 'db.sqlite');
    const connection = new BetterSqlite3(file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.exec('create table t (id integer primary key, body blob)');
    const checkpointer = startWalCheckpointer(file, connection);
    try {
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const insert = connection.prepare('insert into t (body) values (?)');
      // ~6 MiB of commits: past the threshold, and SQLite alone would have checkpointed by now.
      for (let i = 0; i < 1500; i++) insert.run(Buffer.alloc(4000, i % 256));
      expect(statSync(file).size).toBeLessThan(1024 * 1024);
      const deadline = Date.now() + 10_000;
      while (statSync(file).size < 5 * 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statSync(file).size).toBeGreaterThan(5 * 1024 * 1024);
      expect(connection.prepare('select count(*) as n from t').get()).toEqual({ n: 1500 });
    } finally {
      checkpointer.stop();
      connection.close();
    }
  });
});
