import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { openKyselyDatabase, type DatabaseConfig } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { COPIED_TABLES, copyRows, countRows, readTable, unknownTablesWithRows } from '../db/site-copy.js';
import type { BlobStore } from '../ports/blob-store.js';
import { LocalDiskStore } from '../storage/local-disk.store.js';
import { createS3Client, S3Store } from '../storage/s3.store.js';

const USAGE = `Usage: pinhole migrate --to-database URL [--to-schema NAME] [--to-storage s3|local] [--concurrency N]

Copies this site (the database and files that PINHOLE_DATABASE_URL, PINHOLE_DATA_DIR and
PINHOLE_STORAGE describe) to another database and, with --to-storage s3, to the bucket that the
PINHOLE_S3_* variables describe. Every row and every file is copied; row counts are compared table
by table and every file is read back from the target and checked against the source's SHA-256 (and
each original against the MD5 the database records). Stop the site (or every instance) first.

  --to-database URL   postgres://… or sqlite:/path/file.db; its schema must hold no site yet
  --to-schema NAME    PostgreSQL schema to create the tables in (default: the user's default)
  --to-storage KIND   s3: copy the files into the bucket; local: leave them where they are
                      (default: the current PINHOLE_STORAGE)
  --concurrency N     files copied at once (default 4)

Exit status: 0 copied and verified, 1 failed or did not verify, 64 usage error.`;

interface FileRow {
  readonly key: string;
  readonly size: number;
  readonly md5: string | null;
}

interface Outcome {
  copied: number;
  skipped: number;
  bytes: number;
  md5Checked: number;
  problems: string[];
}

function hashing(): { transform: Transform; digest(): { sha256: string; md5: string; size: number } } {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { transform, digest: () => ({ sha256: sha.digest('hex'), md5: md5.digest('hex'), size }) };
}

async function digestOf(store: BlobStore, key: string): Promise<{ sha256: string; md5: string; size: number }> {
  const h = hashing();
  await pipeline(store.createReadStream(key), h.transform, async function* (source) {
    for await (const chunk of source) void chunk;
  });
  return h.digest();
}

function storeFor(config: Config, storage: Config['storage']): BlobStore {
  const tmpDir = path.join(config.dataDir, 'tmp');
  if (storage.kind === 'local') return new LocalDiskStore({ root: path.join(config.dataDir, 'images'), tmpDir });
  return new S3Store({ client: createS3Client(storage), bucket: storage.bucket, prefix: storage.prefix, tmpDir });
}

async function* fileRows(db: Kysely<DB>): AsyncIterable<FileRow> {
  // Originals carry the MD5 the API reported; derivatives have none to check against.
  const md5ById = new Map<number, string>();
  for await (const rows of readTable(db, 'images', ['id'])) for (const r of rows) md5ById.set(Number(r.id), String(r.md5));
  for await (const rows of readTable(db, 'image_files', ['image_id', 'kind'])) {
    for (const r of rows) {
      yield { key: String(r.key), size: Number(r.size), md5: r.kind === 'image' ? (md5ById.get(Number(r.image_id)) ?? null) : null };
    }
  }
}

/** Copies one file through a temp file (never whole in memory), then reads it back from the target. */
async function copyFile(source: BlobStore, target: BlobStore | null, file: FileRow, outcome: Outcome): Promise<void> {
  let sourceDigest: { sha256: string; md5: string; size: number };
  if (target === null) {
    sourceDigest = await digestOf(source, file.key);
  } else {
    const existing = await target.stat(file.key);
    if (existing !== null) {
      // A re-run after an interrupted copy: the same bytes may already be there.
      const [a, b] = await Promise.all([digestOf(source, file.key), digestOf(target, file.key)]);
      if (a.sha256 !== b.sha256) {
        outcome.problems.push(`${file.key}: the target already holds different bytes under this key`);
        return;
      }
      sourceDigest = a;
      outcome.skipped += 1;
    } else {
      const temp = path.join(target.tempDir(), `migrate-${randomBytes(8).toString('hex')}.part`);
      const h = hashing();
      try {
        await pipeline(source.createReadStream(file.key), h.transform, createWriteStream(temp));
        sourceDigest = h.digest();
        await target.putFile(file.key, temp);
      } finally {
        await rm(temp, { force: true });
      }
      const back = await digestOf(target, file.key);
      if (back.sha256 !== sourceDigest.sha256) {
        outcome.problems.push(`${file.key}: read back from the target with another SHA-256`);
        return;
      }
      outcome.copied += 1;
    }
  }
  outcome.bytes += sourceDigest.size;
  if (sourceDigest.size !== file.size) outcome.problems.push(`${file.key}: ${sourceDigest.size} bytes stored, ${file.size} recorded`);
  if (file.md5 !== null) {
    outcome.md5Checked += 1;
    if (file.md5 !== sourceDigest.md5) outcome.problems.push(`${file.key}: MD5 ${sourceDigest.md5} does not match the recorded ${file.md5}`);
  }
}

async function copyFiles(db: Kysely<DB>, source: BlobStore, target: BlobStore | null, concurrency: number, log: (line: string) => void): Promise<Outcome> {
  const outcome: Outcome = { copied: 0, skipped: 0, bytes: 0, md5Checked: 0, problems: [] };
  const running = new Set<Promise<void>>();
  let seen = 0;
  for await (const file of fileRows(db)) {
    const task = copyFile(source, target, file, outcome).catch((error: unknown) => {
      outcome.problems.push(`${file.key}: ${error instanceof Error ? error.message : String(error)}`);
    });
    running.add(task);
    void task.finally(() => running.delete(task));
    if (running.size >= concurrency) await Promise.race(running);
    seen += 1;
    if (seen % 500 === 0) log(`files: ${seen} checked`);
  }
  await Promise.all(running);
  return outcome;
}

function targetDatabase(url: string, schema: string | undefined): DatabaseConfig {
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url, ...(schema === undefined ? {} : { schema }) };
  throw new ConfigError([`--to-database: must start with postgres://, postgresql:// or sqlite: (got ${JSON.stringify(url.slice(0, 40))})`]);
}

function sameDatabase(a: DatabaseConfig, b: DatabaseConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `pinhole migrate`: moves a site to another database and storage, verifying what it copied. */
export async function migrateCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'to-database': { type: 'string' },
        'to-schema': { type: 'string' },
        'to-storage': { type: 'string' },
        concurrency: { type: 'string', default: '4' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const concurrency = Number(values.concurrency);
  const toStorage = values['to-storage'];
  if (values['to-database'] === undefined || (toStorage !== undefined && toStorage !== 's3' && toStorage !== 'local') || !Number.isInteger(concurrency) || concurrency < 1) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out = (line: string) => process.stdout.write(`${line}\n`);

  let source: Kysely<DB> | undefined;
  let target: Kysely<DB> | undefined;
  const stores: BlobStore[] = [];
  try {
    const config = loadConfig(env);
    const targetDb = targetDatabase(values['to-database'], values['to-schema']);
    if (sameDatabase(config.database, targetDb)) throw new ConfigError(['--to-database: this is the site\'s own database']);
    const targetStorage: Config['storage'] =
      toStorage === undefined || toStorage === config.storage.kind ? config.storage : toStorage === 's3' ? loadConfig({ ...env, PINHOLE_STORAGE: 's3' }).storage : { kind: 'local' };
    if (targetStorage.kind === 'local' && config.storage.kind !== 'local') {
      throw new ConfigError(['--to-storage local: the files are in a bucket; copy them to disk with your S3 tools and keep --to-storage s3 meanwhile']);
    }
    const sourceStore = storeFor(config, config.storage);
    stores.push(sourceStore);
    const copyNeeded = JSON.stringify(targetStorage) !== JSON.stringify(config.storage);
    const targetStore = copyNeeded ? storeFor(config, targetStorage) : null;
    if (targetStore) stores.push(targetStore);

    const opened = await openKyselyDatabase(config.database);
    source = opened.db;
    const unknown = await unknownTablesWithRows(source, opened.dialect);
    if (unknown.length > 0) throw new Error(`this version of pinhole migrate does not know the tables ${unknown.join(', ')}; use the Pinhole version that made them`);
    const dest = await openKyselyDatabase(targetDb);
    target = dest.db;
    for (const table of ['users', 'images'] as const) {
      if ((await countRows(target, table)) > 0) throw new Error(`the target database already holds a site (${table} has rows); migrate into an empty database or schema`);
    }

    // Files first (a row never points at a file that is not there), then every row in one transaction.
    log(copyNeeded ? 'copying files…' : 'checking files (they stay where they are)…');
    const files = await copyFiles(source, sourceStore, targetStore, concurrency, log);
    if (files.problems.length > 0) {
      for (const p of files.problems.slice(0, 50)) log(`file problem: ${p}`);
      log(`${files.problems.length} file problem(s); no rows were copied`);
      return 1;
    }
    log('copying rows…');
    const copied = await target.transaction().execute((trx) => copyRows(source!, trx, dest.dialect, (table, n) => log(`rows: ${table} ${n}`)));

    let ok = true;
    for (const table of COPIED_TABLES) {
      const [a, b] = [await countRows(source, table.name), await countRows(target, table.name)];
      if (a !== b || copied.get(table.name) !== a) {
        ok = false;
        log(`count mismatch in ${table.name}: source ${a}, target ${b}`);
      }
    }
    const summary = COPIED_TABLES.map((t) => `${t.name} ${copied.get(t.name) ?? 0}`).join(', ');
    out(`rows copied and counted: ${summary}`);
    out(
      `files: ${files.copied} copied, ${files.skipped} already there, ${(files.bytes / 1e6).toFixed(1)} MB; SHA-256 verified on the target${copyNeeded ? '' : ' (same storage)'}; MD5 of ${files.md5Checked} originals matches the database`,
    );
    if (!ok) return 1;
    const envLines = [`PINHOLE_DATABASE_URL=${values['to-database']}`];
    if (targetDb.kind === 'postgres' && targetDb.schema !== undefined) envLines.push(`PINHOLE_DATABASE_SCHEMA=${targetDb.schema}`);
    if (targetStorage.kind === 's3') envLines.push('PINHOLE_STORAGE=s3 (with the same PINHOLE_S3_* variables)');
    out(`done: start Pinhole with ${envLines.join(' ')}`);
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await source?.destroy();
    await target?.destroy();
    for (const store of stores) store.close?.();
  }
}

