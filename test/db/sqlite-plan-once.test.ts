/**
 * The queries of every page view keep SQLite's plan fixed: no bound value that SQLite plans by.
 *
 * SQLite compares a bound `images.status = ?` with the partial index `images_deleting`, and
 * evaluates a bound LIMIT, by the value bound at the time; it then marks the statement to be
 * prepared again whenever a value is bound, that is on every run. Measured on the bench's
 * 1,000,000-row file, that made a viewer page's album neighbours cost 165 µs instead of 27 µs.
 * Such constants are SQL literals instead; this checks the SQL each hot query sends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_STATISTICS_WARNING } from '../../src/db/database.js';
import { KyselyImageRepository } from '../../src/db/image.repository.js';
import { KyselyListingRepository } from '../../src/db/listing.repository.js';
import type { DB } from '../../src/db/schema.js';
import { PinholeSqliteDialect } from '../../src/db/sqlite-dialect.js';
import type { ListingScope } from '../../src/ports/gallery.js';
import { createUser, newImage } from './db-fixtures.js';

let dir: string;
let kysely: Kysely<DB>;
const sent: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-plan-'));
  const file = path.join(dir, 'pinhole.db');
  // The real schema, from the migrations; then a connection whose every statement is recorded.
  await (await openDatabase({ kind: 'sqlite', file })).close();
  kysely = new Kysely<DB>({
    dialect: new PinholeSqliteDialect({ database: new BetterSqlite3(file) }),
    log: (event) => {
      sent.push(event.query.sql);
    },
  });
});

afterAll(async () => {
  await kysely.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** The statements `run` sends. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  await run();
  return [...sent];
}

describe('SQLite statements of page views', () => {
  const images = () => new KyselyImageRepository(kysely, 'sqlite');
  const listings = () => new KyselyListingRepository(kysely);
  const scopes: ListingScope[] = [
    { kind: 'explore' },
    { kind: 'user', userId: 1, includeHidden: false },
    { kind: 'user', userId: 1, includeHidden: true },
    { kind: 'album', albumId: 1, includeUnapproved: false },
    { kind: 'album', albumId: 1, includeUnapproved: true },
    { kind: 'tag', tagId: 1 },
  ];
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['an upload with its owner and album', () => images().findWithOwnerAndAlbum(1)],
    ['an upload by id', () => images().findById(1)],
    ['album neighbours', () => listings().albumNeighbours(1, 5, false)],
    ['album neighbours, for its manager', () => listings().albumNeighbours(1, 5, true)],
    ...scopes.flatMap((scope): Array<[string, () => Promise<unknown>]> => [
      [`${JSON.stringify(scope)}, first page`, () => listings().listImages(scope, { order: 'desc', limit: 24 })],
      [`${JSON.stringify(scope)}, older`, () => listings().listImages(scope, { order: 'desc', limit: 24, before: 100 })],
      [`${JSON.stringify(scope)}, newer`, () => listings().listImages(scope, { order: 'desc', limit: 24, after: 100 })],
    ]),
  ];

  it.each(cases)('%s: status and LIMIT are literals', async (_name, run) => {
    const statements = await statementsOf(run);
    expect(statements.length).toBeGreaterThan(0);
    for (const text of statements) {
      expect(text).not.toMatch(/"status"\s*=\s*\?/);
      expect(text).not.toMatch(/\blimit\s+\?/i);
    }
  });

  it('still reads what is there', async () => {
    // Rows written through the repositories of a second connection, as the server writes them.
    const db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'pinhole.db') });
    try {
      const userId = await createUser(db);
      const { id: albumId } = await db.albums.create({ userId, name: 'a', description: null, privacy: 'public', createdAt: new Date(0) });
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await db.images.insert(newImage({ userId, albumId }), 'h'));
      const [first, gone, middle, alsoGone, last] = ids as [number, number, number, number, number];
      await db.images.markDeleting(gone);
      await db.images.markDeleting(alsoGone);

      const { prev, next } = await listings().albumNeighbours(albumId, middle, false);
      expect([prev?.id, next?.id]).toEqual([first, last]);
      const page = await listings().listImages({ kind: 'album', albumId, includeUnapproved: false }, { order: 'desc', limit: 2 });
      expect([page.items.map((item) => item.id), page.more]).toEqual([[last, middle], true]);
      expect((await images().findWithOwnerAndAlbum(middle))?.album?.id).toBe(albumId);
    } finally {
      await db.close();
    }
  });
});

describe('SQLite statistics', () => {
  it('warns when the file was analysed (sqlite_stat4 makes SQLite re-plan), and not otherwise', async () => {
    const file = path.join(dir, 'analysed.db');
    const open = async () => {
      const warnings: string[] = [];
      await (await openDatabase({ kind: 'sqlite', file }, { onWarning: (message) => warnings.push(message) })).close();
      return warnings;
    };
    expect(await open()).toEqual([]);
    const raw = new BetterSqlite3(file);
    raw.exec(`insert into users (id, username, username_lower, is_admin, created_at) values (1, 'ann', 'ann', 0, 0); analyze;`);
    raw.close();
    expect(await open()).toEqual([SQLITE_STATISTICS_WARNING]);
    // What the warning tells the operator to do is enough.
    const fix = new BetterSqlite3(file);
    fix.exec('drop table sqlite_stat1; drop table sqlite_stat4;');
    fix.close();
    expect(await open()).toEqual([]);
  });
});
