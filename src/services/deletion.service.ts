import type { Clock } from '../ports/clock.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Database, ImageRecord } from '../ports/repositories.js';
import { keyedHash, safeEqual } from '../lib/secrets.js';

export interface DeletionServiceDeps {
  readonly db: Database;
  readonly store: BlobStore;
  readonly clock: Clock;
  readonly pepper: string;
}

export const DELETE_JOB = 'image.delete';

/**
 * Deletes uploads in the order that never leaves a row pointing at missing files (DESIGN §3.5): hide
 * the row, delete the files (a missing file is fine), then delete the rows. An interrupted deletion
 * stays flagged 'deleting' and is finished by the job runner after a restart.
 */
export class DeletionService {
  constructor(private readonly deps: DeletionServiceDeps) {}

  /** True when `secret` is the image's delete secret (constant-time). */
  async verifySecret(imageId: number, secret: string): Promise<boolean> {
    const stored = await this.deps.db.images.getDeleteSecretHash(imageId);
    const presented = keyedHash(this.deps.pepper, secret);
    return safeEqual(presented, stored ?? keyedHash(this.deps.pepper, '\u0000missing'));
  }

  /** Deletes one image now. Returns false if it was already gone. */
  async deleteImage(imageId: number): Promise<boolean> {
    const { db } = this.deps;
    const image = await db.images.findById(imageId);
    if (!image) return false;
    if (image.status === 'active' && !(await db.images.markDeleting(imageId))) return false;
    await this.finish(image);
    return true;
  }

  /** Flags expired images and queues their deletion, in one transaction each. */
  async queueExpired(limit = 50): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const ids = await db.images.findExpired(now, limit);
    let queued = 0;
    for (const id of ids) {
      const ok = await db.transaction(async (repos) => {
        if (!(await repos.images.markDeleting(id))) return false;
        await repos.jobs.enqueue({ type: DELETE_JOB, payload: JSON.stringify({ imageId: id, reason: 'expired' }), runAt: now });
        return true;
      });
      if (ok) queued++;
    }
    return queued;
  }

  /** Finishes deletions that were interrupted and have no job (e.g. a crash during deleteImage). */
  async resumeInterrupted(limit = 100): Promise<number> {
    const ids = await this.deps.db.images.findDeleting(limit);
    for (const id of ids) await this.deleteImage(id);
    return ids.length;
  }

  private async finish(image: ImageRecord): Promise<void> {
    for (const file of image.files) await this.deps.store.delete(file.key);
    await this.deps.db.transaction((repos) => repos.images.deleteRows(image.id));
  }
}
