import type { AdminImageRow, AdminUserRow, SiteStats } from '../ports/admin-repository.js';
import type { Database, User } from '../ports/repositories.js';
import type { DeletionService } from './deletion.service.js';

export interface AdminServiceDeps {
  readonly db: Database;
  readonly deletion: DeletionService;
}

/** Why an admin action was refused. */
export type AdminRefusal = 'not-found' | 'self' | 'last-admin';
export type AdminResult = { readonly ok: true } | { readonly ok: false; readonly reason: AdminRefusal };

const REFUSED = (reason: AdminRefusal): AdminResult => ({ ok: false, reason });
const OK: AdminResult = { ok: true };
const DELETE_BATCH = 100;

/**
 * What admins do to other accounts and to uploads. The site must always keep one admin who can
 * log in, so nobody can demote, disable or delete themselves or the last active admin.
 */
export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  async stats(): Promise<SiteStats & { readonly pendingJobs: number }> {
    const { db } = this.deps;
    const [stats, pendingJobs] = await Promise.all([db.admin.stats(), db.jobs.countPending()]);
    return { ...stats, pendingJobs };
  }

  listUsers(offset: number, limit: number): Promise<AdminUserRow[]> {
    return this.deps.db.admin.listUsers(offset, limit);
  }

  listImages(unapprovedOnly: boolean, offset: number, limit: number): Promise<AdminImageRow[]> {
    return this.deps.db.admin.listImages({ unapprovedOnly }, offset, limit);
  }

  findUser(userId: number): Promise<User | null> {
    return this.deps.db.users.findById(userId);
  }

  countUploads(userId: number): Promise<number> {
    return this.deps.db.admin.countImagesOfUser(userId);
  }

  async setRole(actor: User, userId: number, admin: boolean): Promise<AdminResult> {
    const target = await this.deps.db.users.findById(userId);
    if (!target) return REFUSED('not-found');
    if (target.isAdmin === admin) return OK;
    if (!admin) {
      const refusal = await this.guardLastAdmin(actor, target);
      if (refusal) return REFUSED(refusal);
    }
    await this.deps.db.users.update(userId, { isAdmin: admin });
    return OK;
  }

  /** Disabling also ends the user's sessions; their API keys are refused from then on. */
  async setDisabled(actor: User, userId: number, disabled: boolean): Promise<AdminResult> {
    const { db } = this.deps;
    const target = await db.users.findById(userId);
    if (!target) return REFUSED('not-found');
    if (disabled) {
      const refusal = await this.guardLastAdmin(actor, target);
      if (refusal) return REFUSED(refusal);
    }
    await db.users.update(userId, { disabled });
    if (disabled) await db.sessions.deleteByUser(userId);
    return OK;
  }

  /**
   * Deletes the user and every upload of theirs (files first, as every deletion does). The account
   * is disabled before the uploads go, so no new upload can slip in while they are deleted.
   */
  async deleteUser(actor: User, userId: number): Promise<AdminResult & { readonly deletedImages?: number }> {
    const { db, deletion } = this.deps;
    const target = await db.users.findById(userId);
    if (!target) return REFUSED('not-found');
    const refusal = await this.guardLastAdmin(actor, target);
    if (refusal) return REFUSED(refusal);
    await db.users.update(userId, { disabled: true });
    await db.sessions.deleteByUser(userId);
    let deletedImages = 0;
    const tried = new Set<number>();
    for (;;) {
      const ids = (await db.admin.imageIdsOfUser(userId, DELETE_BATCH)).filter((id) => !tried.has(id));
      // An id that survives its deletion (being deleted elsewhere right now) must not loop forever.
      if (ids.length === 0) break;
      for (const id of ids) {
        tried.add(id);
        if (await deletion.deleteImage(id)) deletedImages++;
      }
    }
    await db.admin.deleteUser(userId);
    return { ok: true, deletedImages };
  }

  approve(imageId: number): Promise<boolean> {
    return this.deps.db.admin.approveImage(imageId);
  }

  deleteImage(imageId: number): Promise<boolean> {
    return this.deps.deletion.deleteImage(imageId);
  }

  private async guardLastAdmin(actor: User, target: User): Promise<AdminRefusal | null> {
    if (target.id === actor.id) return 'self';
    if (target.isAdmin && !target.disabled && (await this.deps.db.admin.countActiveAdmins()) <= 1) return 'last-admin';
    return null;
  }
}
