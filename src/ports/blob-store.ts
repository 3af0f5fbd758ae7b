import type { Readable } from 'node:stream';

export interface BlobStat {
  readonly size: number;
  readonly mtimeMs: number;
}

export interface BlobPut {
  readonly key: string;
  readonly tempPath: string;
}

/** Where stored files live. Keys are relative paths such as `2024/10/10/name.th.jpeg`; never user text. */
export interface BlobStore {
  /** A folder on the store's filesystem for temp files (so that put() can rename atomically). */
  tempDir(): string;
  /** Moves a temp file into place under `key`, atomically; fails if the key exists. */
  putFile(key: string, tempPath: string): Promise<void>;
  /**
   * Moves several temp files into place, all or none: when a key is taken (an error with code
   * EEXIST) or a write fails, the files already placed are taken back and every temp file is still
   * where it was, so the caller can try other keys. On success the temp files are gone.
   */
  putFiles(items: readonly BlobPut[]): Promise<void>;
  /** True when `key` is free. */
  isFree(key: string): Promise<boolean>;
  stat(key: string): Promise<BlobStat | null>;
  createReadStream(key: string, range?: { start: number; end: number }): Readable;
  /** Deletes `key`; a missing key is fine. */
  delete(key: string): Promise<void>;
  /**
   * Calls `listener` after each delete made through this store object, so a cache of stored files
   * in the same process forgets the key at once (stores that are never cached may leave it out).
   */
  onDelete?(listener: (key: string) => void): void;
  /** Every key in the store (for reconciliation). */
  list(): AsyncIterable<string>;
  /** Absolute local path of a key, for stores on local disk (null otherwise). */
  localPath(key: string): string | null;
  /** Readiness probe: resolves when the store can be used (the folder is writable, the bucket answers). */
  checkReady?(): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close?(): void;
}
