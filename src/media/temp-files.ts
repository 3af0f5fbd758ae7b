import { randomUUID } from 'node:crypto';
import { removeQuietly } from '../lib/spool.js';
import path from 'node:path';

/** Every temp file one job creates, so a failure (or the end of the job) can remove them all. */
export class TempFiles {
  private readonly paths = new Set<string>();

  constructor(private readonly workDir: string) {}

  /** A fresh, unguessable name in workDir; registered before anything is written to it. */
  create(extension: string): string {
    const file = path.join(this.workDir, `${randomUUID()}.${extension}`);
    this.paths.add(file);
    return file;
  }

  async removeAll(): Promise<void> {
    await this.removeAllExcept([]);
  }

  async removeAllExcept(kept: Iterable<string>): Promise<void> {
    const keep = new Set(kept);
    const doomed = [...this.paths].filter((file) => !keep.has(file));
    await Promise.all(doomed.map((file) => removeQuietly(file)));
    for (const file of doomed) this.paths.delete(file);
  }
}
