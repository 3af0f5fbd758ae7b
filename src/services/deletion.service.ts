import type { Clock } from '../ports/clock.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Database, ImageRecord } from '../ports/repositories.js';
import { keyedHash, safeEqual } from '../lib/secrets.js';

export interface DeletionServiceDeps {
  readonly db: Database;
  readonly store: BlobStore;
  readonly clock: Clock;
  readonly pepper: string;
  /** Recorded in the deletions log with each deletion (PINHOLE_INSTANCE_ID). */
  readonly instanceId?: string;
  /**
   * How long an instance may take to delete one image's files before another instance takes the
   * deletion over (it died mid-way). Default 5 minutes.
   */
  readonly leaseMs?: number;
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

  /**
   * Deletes one image now. Returns false if it was already gone, or another instance is deleting it
   * right now. Whoever deletes holds the image's lease (`deleting_at`), so no two instances delete
   * the same files at once: a file name freed by one could already belong to a new upload when a
   * second deleter got to it. `reason` goes to the deletions log (one entry per image).
   */
  async deleteImage(imageId: number, reason = 'request'): Promise<boolean> {
    const { db, clock } = this.deps;
    const image = await db.images.findById(imageId);
    if (!image) return false;
    const now = clock.now();
    const claimed =
      image.status === 'active'
        ? await db.images.markDeleting(imageId, now)
        : await db.images.claimDeletion(imageId, now, new Date(now.getTime() - this.leaseMs));
    if (!claimed) return false;
    await this.finish(image, reason);
    return true;
  }

  private get leaseMs(): number {
    return this.deps.leaseMs ?? 5 * 60_000;
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

  /**
   * Finishes deletions that nobody is working on: interrupted ones whose lease ran out (the instance
   * died), and queued ones (the job finds them done). Safe on every instance at once.
   */
  async resumeInterrupted(limit = 100): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const ids = await this.deps.db.images.findDeleting(limit, new Date(now - this.leaseMs));
    for (const id of ids) {
      const image = await this.deps.db.images.findById(id);
      if (!image) continue;
      await this.deleteImage(id, image.expiresAt !== null && image.expiresAt.getTime() <= now ? 'expired' : 'interrupted');
    }
    return ids.length;
  }

  private async finish(image: ImageRecord, reason: string): Promise<void> {
    for (const file of image.files) await this.deps.store.delete(file.key);
    // Should a lease ever run out under a live deleter, two may still finish one image: only the
    // transaction that actually deleted the image row writes the log entry.
    await this.deps.db.transaction(async (repos) => {
      if (!(await repos.images.deleteRows(image.id))) return;
      await repos.deletions.record({ imageId: image.id, reason, instanceId: this.deps.instanceId ?? 'local', deletedAt: this.deps.clock.now() });
    });
  }
}
