/**
 * Searches on SQLite run on a connection of their own in a worker thread: the event loop stays free
 * while a long scan runs, rows and errors come back as from the server's connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteReader, type SqliteReader } from '../../src/db/sqlite-reader.js';

let dir: string;
let file: string;
let reader: SqliteReader;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pinhole-reader-'));
  file = path.join(dir, 'test.db');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.exec("create table things (id integer primary key, label text); insert into things values (1, 'one'), (2, 'two')");
  db.close();
  reader = sqliteReader(file);
});

afterAll(async () => {
  reader.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sqliteReader', () => {
  it('answers with the rows, parameters bound', async () => {
    expect(await reader.all('select id, label from things where id > ? order by id', [0])).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
  });

  it('leaves the event loop free while a long query runs', async () => {
    const order: string[] = [];
    // A few hundred milliseconds of work for SQLite, whatever the machine.
    const scan = reader
      .all<{ n: number }>('with recursive c(x) as (select 1 union all select x + 1 from c where x < ?) select count(*) as n from c', [3_000_000])
      .then((rows) => {
        order.push('query');
        return rows;
      });
    await new Promise((resolve) => setTimeout(resolve, 1));
    order.push('timer');
    expect(await scan).toEqual([{ n: 3_000_000 }]);
    expect(order).toEqual(['timer', 'query']);
  });

  it('rejects a bad statement with SQLite’s message, and keeps serving', async () => {
    await expect(reader.all('select nope from things', [])).rejects.toThrow(/no such column: nope/);
    await expect(reader.all('select count(*) as n from things', [])).resolves.toEqual([{ n: 2 }]);
  });

  it('refuses writes (its connection is read-only)', async () => {
    await expect(reader.all("insert into things values (3, 'three') returning id", [])).rejects.toThrow(/readonly/);
  });

  it('rejects once closed', async () => {
    const other = sqliteReader(file);
    await other.all('select 1 as one', []);
    other.close();
    await expect(other.all('select 1 as one', [])).rejects.toThrow(/closed/);
  });
});
