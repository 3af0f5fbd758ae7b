import type { BlobStore } from '../ports/blob-store.js';
import type { Database } from '../ports/repositories.js';

/**
 * Start-up reconciliation: after a crash a file may exist whose row was never committed (files are
 * stored before rows). Such files are removed so that no stored file lacks a row.
 */
export class MaintenanceService {
  constructor(private readonly deps: { readonly db: Database; readonly store: BlobStore }) {}

  /** Removes stored files that no row references and that are older than `graceMs`. */
  async removeOrphanFiles(graceMs: number, now: Date): Promise<number> {
    const known = new Set<string>();
    for await (const { key } of this.deps.db.images.listFileKeys()) known.add(key);
    let removed = 0;
    for await (const key of this.deps.store.list()) {
      if (known.has(key)) continue;
      const stat = await this.deps.store.stat(key);
      if (!stat || now.getTime() - stat.mtimeMs < graceMs) continue;
      await this.deps.store.delete(key);
      removed++;
    }
    return removed;
  }
}
