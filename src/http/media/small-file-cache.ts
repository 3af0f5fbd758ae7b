export interface CachedFileVersion {
  readonly size: number;
  readonly mtimeMs: number;
}

interface Entry extends CachedFileVersion {
  readonly data: Buffer;
}

/**
 * LRU of small stored files (thumbnails) by key. Each hit is checked against a fresh stat, so a
 * file replaced on disk is never served stale; a Map keeps insertion order, which is the LRU order
 * once hits are re-inserted.
 */
export class SmallFileCache {
  readonly #entries = new Map<string, Entry>();
  readonly #budgetBytes: number;
  readonly #maxEntryBytes: number;
  #bytes = 0;

  constructor(options: { budgetBytes: number; maxEntryBytes: number }) {
    this.#budgetBytes = Math.max(0, options.budgetBytes);
    this.#maxEntryBytes = Math.min(Math.max(0, options.maxEntryBytes), this.#budgetBytes);
  }

  /** Whether a file of this size is worth reading into memory at all. */
  accepts(size: number): boolean {
    return size > 0 && size <= this.#maxEntryBytes;
  }

  get(key: string, version: CachedFileVersion): Buffer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#remove(key, entry);
    if (entry.size !== version.size || entry.mtimeMs !== version.mtimeMs) return undefined;
    this.#entries.set(key, entry);
    this.#bytes += entry.data.length;
    return entry.data;
  }

  /** The cached bytes of `key` if they are of this version, without counting as a use. */
  peek(key: string, version: CachedFileVersion): Buffer | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.size === version.size && entry.mtimeMs === version.mtimeMs ? entry.data : undefined;
  }

  /** Drops `key` (the file was deleted). */
  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#remove(key, entry);
  }

  set(key: string, version: CachedFileVersion, data: Buffer): void {
    if (!this.accepts(data.length) || data.length !== version.size) return;
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#remove(key, previous);
    this.#entries.set(key, { size: version.size, mtimeMs: version.mtimeMs, data });
    this.#bytes += data.length;
    for (const [oldKey, oldEntry] of this.#entries) {
      if (this.#bytes <= this.#budgetBytes) break;
      this.#remove(oldKey, oldEntry);
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.data.length;
  }
}
