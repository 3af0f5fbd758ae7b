import { createHash, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../ports/clock.js';
import type { Database, Session, User } from '../ports/repositories.js';
import { safeEqual } from '../lib/secrets.js';

const dataSchema = z.object({
  /** Ids of uploads made as a guest in this browser; they join the account on login or sign-up. */
  guestImages: z.array(z.number().int().positive()).max(10_000).default([]),
  /** Password-protected albums this browser has unlocked (album pages and their images). */
  unlockedAlbums: z.array(z.number().int().positive()).max(1000).default([]),
});
export type SessionData = z.infer<typeof dataSchema>;

export interface ActiveSession {
  /** The cookie token (only the hash is stored). */
  readonly token: string;
  readonly id: string;
  readonly user: User | null;
  readonly data: SessionData;
  readonly expiresAt: Date;
}

export interface SessionServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Site secret that signs CSRF tokens. */
  readonly pepper: string;
  readonly lifetimeMs?: number;
}

const DEFAULT_LIFETIME_MS = 30 * 86_400_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function parseData(text: string): SessionData {
  try {
    return dataSchema.parse(JSON.parse(text));
  } catch {
    return dataSchema.parse({});
  }
}

/**
 * Server-side sessions in the database (so any instance can serve any request), and CSRF tokens
 * signed with the site secret and bound to the session (or, before there is one, to a random
 * browser id): a forged form from another site cannot carry a valid token.
 */
export class SessionService {
  private readonly lifetimeMs: number;
  private readonly dataWrites = new Map<string, Promise<void>>();

  constructor(private readonly deps: SessionServiceDeps) {
    this.lifetimeMs = deps.lifetimeMs ?? DEFAULT_LIFETIME_MS;
  }

  /** Loads the session of a cookie token; null when missing, expired or of a disabled user. */
  async load(token: string | undefined): Promise<ActiveSession | null> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const { db, clock } = this.deps;
    const id = hashToken(token);
    const row = await db.sessions.find(id, clock.now());
    if (!row) return null;
    const user = row.userId === null ? null : await db.users.findById(row.userId);
    if (row.userId !== null && (!user || user.disabled)) {
      await db.sessions.delete(id);
      return null;
    }
    return { token, id, user, data: parseData(row.data), expiresAt: row.expiresAt };
  }

  async create(user: User | null, data: SessionData = { guestImages: [], unlockedAlbums: [] }): Promise<ActiveSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const session: Session = { id: hashToken(token), userId: user?.id ?? null, data: JSON.stringify(data), createdAt: now, expiresAt: new Date(now.getTime() + this.lifetimeMs) };
    await this.deps.db.sessions.create(session);
    return { token, id: session.id, user, data, expiresAt: session.expiresAt };
  }

  /**
   * Logs a user in: a fresh session (the old token is dropped, so a planted session id is useless),
   * and the guest uploads of the old session join the account.
   */
  async login(previous: ActiveSession | null, user: User): Promise<{ session: ActiveSession; adopted: number }> {
    const { db } = this.deps;
    let adopted = 0;
    if (previous) {
      const ids = previous.data.guestImages;
      if (ids.length > 0) adopted = await db.images.adoptGuestImages(ids, user.id);
      await db.sessions.delete(previous.id);
    }
    return { session: await this.create(user), adopted };
  }

  async logout(session: ActiveSession): Promise<void> {
    await this.deps.db.sessions.delete(session.id);
  }

  async rememberGuestImage(session: ActiveSession, imageId: number): Promise<void> {
    await this.updateData(session, (data) => ({ ...data, guestImages: [...data.guestImages, imageId].slice(-1000) }));
  }

  async rememberUnlockedAlbum(session: ActiveSession, albumId: number): Promise<void> {
    if (session.data.unlockedAlbums.includes(albumId)) return;
    await this.updateData(session, (data) =>
      data.unlockedAlbums.includes(albumId) ? data : { ...data, unlockedAlbums: [...data.unlockedAlbums, albumId].slice(-1000) },
    );
  }

  /**
   * Read-modify-write of the session data from the stored row, one at a time per session: the
   * uploader sends several files of one browser in parallel, and writing back the copy loaded at the
   * start of each request would lose the ids the others added.
   */
  private async updateData(session: ActiveSession, change: (data: SessionData) => SessionData): Promise<void> {
    const previous = this.dataWrites.get(session.id) ?? Promise.resolve();
    const write = previous.then(async () => {
      const row = await this.deps.db.sessions.find(session.id, this.deps.clock.now());
      const data = change(row ? parseData(row.data) : session.data);
      await this.deps.db.sessions.update(session.id, { data: JSON.stringify(data) });
    });
    const settled = write.catch(() => undefined);
    this.dataWrites.set(session.id, settled);
    try {
      await write;
    } finally {
      if (this.dataWrites.get(session.id) === settled) this.dataWrites.delete(session.id);
    }
  }

  /** A CSRF token for forms and XHR, bound to the session or to the anonymous browser id. */
  csrfToken(binding: string): string {
    return createHmac('sha256', this.deps.pepper).update(`csrf:${binding}`).digest('base64url');
  }

  verifyCsrf(binding: string, presented: string | undefined): boolean {
    return typeof presented === 'string' && safeEqual(presented, this.csrfToken(binding));
  }

  async purgeExpired(): Promise<number> {
    return this.deps.db.sessions.deleteExpired(this.deps.clock.now());
  }
}
