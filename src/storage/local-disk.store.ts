import { constants as fsConstants, createReadStream, mkdirSync, statSync } from 'node:fs';
import { access, link, lstat, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import type { BlobPut, BlobStat, BlobStore } from '../ports/blob-store.js';
import { BlobKeyTakenError, assertValidBlobKey, isValidBlobKey } from './blob-key.js';

export interface LocalDiskStoreOptions {
  /** Folder holding the `YYYY/MM/DD/name.ext` tree, e.g. `<dataDir>/images`. */
  readonly root: string;
  /** Folder for spooled uploads, e.g. `<dataDir>/tmp`; must share a filesystem with `root`. */
  readonly tmpDir: string;
}

/** Fewer syscalls per large video than the 64 KiB default, still small enough per connection. */
const READ_HIGH_WATER_MARK = 256 * 1024;

/** errno codes meaning "this filesystem cannot hard-link", where rename is the only way left. */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** errno codes meaning "the directory cannot be fsynced here" (some network and FUSE filesystems). */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF']);

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * BlobStore on a local (or mounted) filesystem. Folders are created synchronously in the
 * constructor so a misconfigured data dir fails at start-up rather than on the first upload.
 */
export class LocalDiskStore implements BlobStore {
  readonly #root: string;
  readonly #tmpDir: string;
  readonly #deleteListeners: Array<(key: string) => void> = [];

  constructor(options: LocalDiskStoreOptions) {
    this.#root = path.resolve(options.root);
    this.#tmpDir = path.resolve(options.tmpDir);
    mkdirSync(this.#root, { recursive: true });
    mkdirSync(this.#tmpDir, { recursive: true });
    // link() and rename() cannot cross filesystems; say so now instead of failing every upload.
    if (statSync(this.#root).dev !== statSync(this.#tmpDir).dev) {
      throw new Error(`tmpDir ${this.#tmpDir} must be on the same filesystem as the store root ${this.#root}`);
    }
  }

  tempDir(): string {
    return this.#tmpDir;
  }

  localPath(key: string): string {
    assertValidBlobKey(key);
    return path.join(this.#root, ...key.split('/'));
  }

  async putFile(key: string, tempPath: string): Promise<void> {
    await this.putFiles([{ key, tempPath }]);
  }

  async putFiles(items: readonly BlobPut[]): Promise<void> {
    const targets = items.map((item) => ({ ...item, finalPath: this.localPath(item.key) }));
    const placed: Placed[] = [];
    try {
      // The contents reach the disk before any name points at them.
      await Promise.all(targets.map((target) => syncFile(target.tempPath)));
      const toSync = new Set<string>();
      for (const dir of new Set(targets.map((target) => path.dirname(target.finalPath)))) {
        const created = await mkdir(dir, { recursive: true });
        for (const d of directoriesToSync(dir, created)) toSync.add(d);
      }
      for (const target of targets) placed.push(await placeWithoutClobbering(target.key, target.tempPath, target.finalPath));
      // The new directory entries must reach the disk too, or a crash after we answer loses the files;
      // files put together usually share one folder, so it is synced once for all of them.
      for (const dir of toSync) await syncDirectory(dir);
    } catch (error) {
      await takeBack(placed);
      const code = errnoCode(error);
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new AppError('STORAGE_FULL', { cause: error });
      if (code === 'EXDEV') {
        throw new Error(`Temp files ${items.map((item) => item.tempPath).join(', ')} are not on the store's filesystem; use tempDir()`, { cause: error });
      }
      throw error;
    }
    // Every file is stored under its key; a hard-linked temp name is not needed any more (a stray one
    // is harmless, and cleanTempDir() removes it on restart).
    await Promise.all(placed.filter((p) => p.linked).map((p) => unlink(p.tempPath).catch(() => undefined)));
  }

  async isFree(key: string): Promise<boolean> {
    const finalPath = this.localPath(key);
    try {
      await lstat(finalPath);
      return false;
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    if (!isValidBlobKey(key)) return null;
    try {
      const st = await stat(this.localPath(key));
      return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** `range` is inclusive on both ends, as in HTTP and fs.createReadStream. */
  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    if (!isValidBlobKey(key)) return failedStream(Object.assign(new Error(`No such blob: ${key}`), { code: 'ENOENT' }));
    return createReadStream(this.localPath(key), {
      highWaterMark: READ_HIGH_WATER_MARK,
      ...(range === undefined ? {} : { start: range.start, end: range.end }),
    });
  }

  async delete(key: string): Promise<void> {
    const finalPath = this.localPath(key);
    try {
      await unlink(finalPath);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const listener of this.#deleteListeners) listener(key);
  }

  onDelete(listener: (key: string) => void): void {
    this.#deleteListeners.push(listener);
  }

  /** Readiness: the store's folders are still there and writable (a lost mount fails this). */
  async checkReady(): Promise<void> {
    await access(this.#root, fsConstants.W_OK);
    await access(this.#tmpDir, fsConstants.W_OK);
  }

  async *list(): AsyncIterable<string> {
    // Only the three date levels are walked, so stray files (temp dirs, .DS_Store) are never reported.
    for (const year of await subdirectories(this.#root, /^[0-9]{4}$/)) {
      for (const month of await subdirectories(path.join(this.#root, year), /^[0-9]{2}$/)) {
        for (const day of await subdirectories(path.join(this.#root, year, month), /^[0-9]{2}$/)) {
          for (const name of await fileNames(path.join(this.#root, year, month, day))) {
            const key = `${year}/${month}/${day}/${name}`;
            if (isValidBlobKey(key)) yield key;
          }
        }
      }
    }
  }
}

/**
 * Removes leftovers in the temp dir (uploads interrupted by a crash). Call it at start-up; with
 * `olderThanMs` > 0 it spares files other live processes may still be writing. Returns how many
 * entries were removed.
 */
export async function cleanTempDir(tmpDir: string, olderThanMs = 0, nowMs: number = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const entry = path.join(tmpDir, name);
    try {
      if (olderThanMs > 0 && (await lstat(entry)).mtimeMs > nowMs - olderThanMs) continue;
      await rm(entry, { recursive: true, force: true });
      removed += 1;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return removed;
}

/** A temp file given a name in the store: by a hard link (the temp name is still there) or a rename. */
interface Placed {
  readonly tempPath: string;
  readonly finalPath: string;
  readonly linked: boolean;
}

async function placeWithoutClobbering(key: string, tempPath: string, finalPath: string): Promise<Placed> {
  try {
    // link() fails with EEXIST when the name is taken, which rename() would silently overwrite.
    await link(tempPath, finalPath);
    return { tempPath, finalPath, linked: true };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw new BlobKeyTakenError(key, { cause: error });
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw error;
    // No hard links here: check then rename. The window between the two is accepted because
    // keys carry random names, so two writers racing for one key is already a bug elsewhere.
    if (await exists(finalPath)) throw new BlobKeyTakenError(key);
    await rename(tempPath, finalPath);
    return { tempPath, finalPath, linked: false };
  }
}

/** Undoes placements after a later one failed, so every temp file is where the caller left it. */
async function takeBack(placed: readonly Placed[]): Promise<void> {
  await Promise.all(
    placed.map((p) => (p.linked ? unlink(p.finalPath) : rename(p.finalPath, p.tempPath)).catch(() => undefined)),
  );
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

async function syncFile(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errnoCode(error);
    if (code === undefined || !DIR_SYNC_UNSUPPORTED.has(code)) throw error;
  } finally {
    await handle?.close();
  }
}

/** `dir` itself plus, when mkdir created folders, every parent whose listing gained an entry. */
function directoriesToSync(dir: string, firstCreated: string | undefined): string[] {
  const dirs = [dir];
  if (firstCreated === undefined) return dirs;
  const stop = path.dirname(firstCreated);
  let current = dir;
  while (current !== stop && current !== path.dirname(current)) {
    current = path.dirname(current);
    dirs.push(current);
  }
  return dirs;
}

async function subdirectories(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function fileNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** A stream that fails like a missing file, on the next tick so callers can attach listeners first. */
function failedStream(error: Error): Readable {
  const stream = new Readable({ read() {} });
  process.nextTick(() => stream.destroy(error));
  return stream;
}
