import { rm } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { chainOf } from '../src/domain/chain.js';
import { PublicIdCodec } from '../src/domain/public-id.js';
import { viewerSlug } from '../src/domain/slug.js';
import { median } from './lib/load.js';
import { settle, startPinhole, type RunningPinhole } from './lib/server.js';
import { wrk } from './lib/wrk.js';

export interface MetadataRow {
  readonly database: 'sqlite' | 'postgres';
  readonly page: 'viewer' | 'short URL redirect' | 'album listing';
  /** Server processes answering (1: the default; more: PINHOLE_WORKERS). */
  readonly workers: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly rounds: number;
}

export interface MetadataResult {
  readonly rows: MetadataRow[];
  readonly images: number;
  readonly albums: number;
  readonly connections: number;
  readonly seedSeconds: Record<string, number>;
  readonly notes: string[];
}

const SALT = 'bench-salt';
const ids = new PublicIdCodec({ salt: SALT, padding: 999 });
const CHAIN = chainOf({ frame: false, image: true, medium: true, thumb: true });
const T0 = Date.UTC(2024, 0, 1);

/** One column list for both dialects; everything else in the row has a default. */
const IMAGE_COLUMNS =
  'id, user_id, album_id, kind, name, extension, mime, storage_mode, date_path, original_filename, title, size, width, height, md5, sha256, ' +
  'chain, thumb_size, medium_size, frame_size, is_animated, is_approved, is_360, nsfw, duration, date_ms, uploaded_at, uploader_ip';

/**
 * The file rows of every image, inserted image by image (all kinds of one image together), as the
 * upload path writes them: rows of one image then share a page, as on a real site.
 */
function fileInserts(kindSuffix: Array<[string, string, number, number, number]>, concat: (...parts: string[]) => string): string[] {
  const kinds = kindSuffix
    .map(([kind, suffix, size, width, height], i) => `select ${i} as ord, '${kind}' as kind, '${suffix}' as suffix, ${size} as size, ${width} as width, ${height} as height`)
    .join(' union all ');
  return [
    `insert into image_files (image_id, kind, key, name, extension, mime, size, width, height)
     select images.id, k.kind, ${concat('images.date_path', "'/'", 'images.name', 'k.suffix', "'.jpeg'")}, ${concat('images.name', 'k.suffix')}, 'jpeg', 'image/jpeg', k.size, k.width, k.height
     from images cross join (${kinds}) as k
     order by images.id, k.ord`,
  ];
}

const FILES: Array<[string, string, number, number, number]> = [
  ['image', '', 800_000, 1920, 1080],
  ['medium', '.md', 60_000, 500, 281],
  ['thumb', '.th', 20_000, 320, 320],
];

/** Seeds `images` rows (3 files each) in `albums` public albums of user 1, straight into SQLite. */
export function seedSqlite(file: string, images: number, albums: number): void {
  const db = new BetterSqlite3(file);
  // Bound as integers (BigInt): a JS number binds as REAL, and `(i - 1) / ?` would then not be an album id.
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const perAlbum = Math.ceil(images / albums);
    db.transaction(() => {
      db.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into albums (id, user_id, name, description, privacy, image_count, created_at)
         select i, 1, 'Seeded album ' || i, null, 'public', ?, ? from n`,
      ).run(BigInt(albums), BigInt(perAlbum), BigInt(T0));
      db.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into images (${IMAGE_COLUMNS})
         select i, 1, 1 + (i - 1) / ?, 'image', 'seed-' || i, 'jpeg', 'image/jpeg', 'datefolder', '2024/01/01', 'seed-' || i || '.jpeg',
                'Seeded photo ' || i, 800000, 1920, 1080, printf('%032x', i), printf('%064x', i), ?, 20000, 60000, 0, 0, 1, 0, 0, 0,
                ? + i * 1000, ? + i * 1000, '127.0.0.1'
         from n`,
      ).run(BigInt(images), BigInt(perAlbum), BigInt(CHAIN), BigInt(T0), BigInt(T0));
      for (const statement of fileInserts(FILES, (...parts) => parts.join(' || '))) db.prepare(statement).run();
    })();
    // No ANALYZE: Pinhole never runs it, so a site's SQLite file has no statistics, and its queries
    // are written for that. With sqlite_stat4 present SQLite prepares again, on every run, each
    // statement whose plan could depend on a bound value (album pages and neighbours among them).
  } finally {
    db.close();
  }
}

export async function seedPostgres(url: string, schema: string, images: number, albums: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const perAlbum = Math.ceil(images / albums);
    await client.query('begin');
    await client.query('set local synchronous_commit = off');
    await client.query(
      `insert into albums (id, user_id, name, description, privacy, image_count, created_at)
       select i, 1, 'Seeded album ' || i, null, 'public', $2, $3 from generate_series(1, $1) as i`,
      [albums, perAlbum, T0],
    );
    await client.query(
      `insert into images (${IMAGE_COLUMNS})
       select i, 1, 1 + (i - 1) / $2, 'image', 'seed-' || i, 'jpeg', 'image/jpeg', 'datefolder', '2024/01/01', 'seed-' || i || '.jpeg',
              'Seeded photo ' || i, 800000, 1920, 1080, lpad(to_hex(i), 32, '0'), lpad(to_hex(i), 64, '0'), $3, 20000, 60000, 0, 0, 1, 0, 0, 0,
              $4::bigint + i * 1000, $4::bigint + i * 1000, '127.0.0.1'
       from generate_series(1, $1) as i`,
      [images, perAlbum, CHAIN, T0],
    );
    for (const statement of fileInserts(FILES, (...parts) => parts.join(' || '))) await client.query(statement);
    for (const table of ['albums', 'images']) {
      await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
    await client.query('commit');
    // As autovacuum would soon after such a load: the visibility map set and statistics fresh, so it
    // does not start on the new rows in the middle of the measurement.
    await client.query('vacuum analyze albums, images, image_files');
  } finally {
    await client.end();
  }
}

function pick<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, () => items[Math.floor(Math.random() * items.length)] as T);
}

/** Random ids over the whole table: most pages are cold, as on a real site. */
function randomIds(max: number, count: number): number[] {
  return Array.from({ length: count }, () => 1 + Math.floor(Math.random() * max));
}

async function measure(
  server: RunningPinhole,
  workers: number,
  database: 'sqlite' | 'postgres',
  images: number,
  albums: number,
  options: { wrkBinary: string; seconds: number; rounds: number; warmup: boolean; connections: number; workDir: string; log: (line: string) => void },
): Promise<MetadataRow[]> {
  const viewerPaths = randomIds(images, 20_000).map((id) => `/image/${viewerSlug(`Seeded photo ${id}`)}.${ids.encode(id)}`);
  const shortPaths = randomIds(images, 20_000).map((id) => `/image/${ids.encode(id)}`);
  // Album pages have their own canonical form: ask the server once per album.
  const albumPaths: string[] = [];
  for (const id of randomIds(albums, Math.min(albums, 300))) {
    const res = await fetch(`${server.url}/album/${ids.encode(id)}`, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status === 302 && location !== null) albumPaths.push(new URL(location, server.url).pathname);
    else if (res.status === 200) albumPaths.push(`/album/${ids.encode(id)}`);
  }
  const sample = await fetch(`${server.url}${viewerPaths[0]}`, { redirect: 'manual' });
  if (sample.status !== 200) throw new Error(`viewer page of a seeded image answered ${sample.status}`);
  const pages: Array<[MetadataRow['page'], string[]]> = [
    ['viewer', viewerPaths],
    ['short URL redirect', shortPaths],
  ];
  if (albumPaths.length > 0) pages.push(['album listing', pick(albumPaths, 2000)]);
  const rows: MetadataRow[] = [];
  for (const [page, paths] of pages) {
    // Warm-up: JIT, prepared statements, the pool.
    if (options.warmup) await wrk({ binary: options.wrkBinary, url: server.url, connections: options.connections, seconds: 1, paths, workDir: options.workDir });
    const runs = [];
    for (let round = 0; round < options.rounds; round++) {
      const result = await wrk({ binary: options.wrkBinary, url: server.url, connections: options.connections, seconds: options.seconds, paths, workDir: options.workDir });
      if (result.failures > 0) throw new Error(`${database} ${page}: ${result.failures} failed requests`);
      runs.push(result);
    }
    const row: MetadataRow = {
      database,
      page,
      workers,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      rounds: options.rounds,
    };
    options.log(`metadata ${database} ${page}${workers > 1 ? `, ${workers} workers` : ''}: ${row.rps.toFixed(0)}/s p50 ${row.p50.toFixed(2)} ms p99 ${row.p99.toFixed(2)} ms`);
    rows.push(row);
  }
  return rows;
}

/**
 * Viewer page, short-URL redirect and album listing with `images` seeded rows, on SQLite and on
 * PostgreSQL (when one answers at `postgresUrl`; a schema of its own, dropped afterwards).
 */
export async function benchMetadata(options: {
  images: number;
  albums: number;
  wrkBinary: string;
  seconds: number;
  rounds: number;
  warmup: boolean;
  connections: number;
  /** Also measure SQLite with this many workers (PINHOLE_WORKERS), when above 1. */
  workers: number;
  workDir: string;
  postgresUrl: string | null;
  log: (line: string) => void;
}): Promise<MetadataResult> {
  const rows: MetadataRow[] = [];
  const notes: string[] = [];
  const seedSeconds: Record<string, number> = {};
  const { images, albums } = options;

  // SQLite: the first start creates the schema and the admin (user 1), then the rows go in directly.
  const sqliteDir = path.join(options.workDir, 'sqlite');
  let server = await startPinhole({ dataDir: sqliteDir, env: { PINHOLE_ID_SALT: SALT } });
  await server.stop();
  let started = performance.now();
  seedSqlite(path.join(sqliteDir, 'pinhole.db'), images, albums);
  seedSeconds.sqlite = (performance.now() - started) / 1000;
  // The seeded file is written back before measuring, not by the kernel during the first page.
  await settle();
  options.log(`metadata: seeded ${images} images in ${albums} albums into SQLite in ${seedSeconds.sqlite.toFixed(1)} s`);
  server = await startPinhole({ dataDir: sqliteDir, env: { PINHOLE_ID_SALT: SALT } });
  try {
    rows.push(...(await measure(server, 1, 'sqlite', images, albums, options)));
    await server.stop();
    // The same database served by workers (informative: the targets are for the default).
    if (options.workers > 1) {
      server = await startPinhole({ dataDir: sqliteDir, env: { PINHOLE_ID_SALT: SALT, PINHOLE_WORKERS: String(options.workers) }, readyWhen: 'all workers are listening' });
      rows.push(...(await measure(server, options.workers, 'sqlite', images, albums, options)));
    }
  } finally {
    await server.stop();
    await rm(sqliteDir, { recursive: true, force: true });
  }

  if (options.postgresUrl === null) {
    notes.push('PostgreSQL: not measured (no server answered)');
    return { rows, images, albums, connections: options.connections, seedSeconds, notes };
  }
  const schema = `pinhole_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: options.postgresUrl });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
    const pgDir = path.join(options.workDir, 'postgres');
    const env = { PINHOLE_ID_SALT: SALT, PINHOLE_DATABASE_URL: options.postgresUrl, PINHOLE_DATABASE_SCHEMA: schema };
    server = await startPinhole({ dataDir: pgDir, env });
    await server.stop();
    started = performance.now();
    await seedPostgres(options.postgresUrl, schema, images, albums);
    seedSeconds.postgres = (performance.now() - started) / 1000;
    await settle();
    options.log(`metadata: seeded ${images} images into PostgreSQL in ${seedSeconds.postgres.toFixed(1)} s`);
    server = await startPinhole({ dataDir: pgDir, env });
    try {
      rows.push(...(await measure(server, 1, 'postgres', images, albums, options)));
    } finally {
      await server.stop();
      await rm(pgDir, { recursive: true, force: true });
    }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await admin.end();
  }
  return { rows, images, albums, connections: options.connections, seedSeconds, notes };
}

/** True when a PostgreSQL server answers at `url` within a few seconds. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
