import type { BlobStore } from '../ports/blob-store.js';
import type { Database } from '../ports/repositories.js';

/** Keys per database question: one `in (…)` list, well under every driver's parameter limit. */
const ORPHAN_CHECK_PAGE = 500;

/**
 * Start-up reconciliation: after a crash a file may exist whose row was never committed (files are
 * stored before rows). Such files are removed so that no stored file lacks a row.
 */
export class MaintenanceService {
  constructor(private readonly deps: { readonly db: Database; readonly store: BlobStore }) {}

  /**
   * Removes stored files that no row references and that are older than `graceMs`. Walks the
   * store and asks the database about its keys a page at a time, so start-up costs memory and
   * queries in proportion to the files on disk, never to every row of a large site.
   */
  async removeOrphanFiles(graceMs: number, now: Date): Promise<number> {
    let removed = 0;
    let page: string[] = [];
    const check = async (keys: string[]) => {
      const inUse = new Set(await this.deps.db.images.fileKeysInUse(keys));
      for (const key of keys) {
        if (inUse.has(key)) continue;
        const stat = await this.deps.store.stat(key);
        if (!stat || now.getTime() - stat.mtimeMs < graceMs) continue;
        await this.deps.store.delete(key);
        removed++;
      }
    };
    for await (const key of this.deps.store.list()) {
      page.push(key);
      if (page.length >= ORPHAN_CHECK_PAGE) {
        await check(page);
        page = [];
      }
    }
    if (page.length > 0) await check(page);
    return removed;
  }
}
