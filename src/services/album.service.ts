import type { Clock } from '../ports/clock.js';
import type { Album, AlbumPrivacy, Database, User } from '../ports/repositories.js';
import { hashPassword, verifyPassword } from '../lib/secrets.js';
import { codePointLength, codePointSlice, toWellFormed } from '../domain/text.js';
import type { DeletionService } from './deletion.service.js';

export const ALBUM_PRIVACIES: readonly AlbumPrivacy[] = ['public', 'private', 'private_but_link', 'password'];
export const MAX_ALBUM_NAME = 100;
export const MAX_ALBUM_DESCRIPTION = 5000;
const MAX_ALBUM_PASSWORD = 200;

export interface AlbumInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly privacy: string;
  /** Needed when privacy is `password` and the album has none yet; blank keeps the current one. */
  readonly password?: string | undefined;
}

export type AlbumProblem = 'name' | 'privacy' | 'password';
export type AlbumResult = { readonly ok: true; readonly album: Album } | { readonly ok: false; readonly problem: AlbumProblem };

/** How a viewer may see an album: fully, behind the password gate, or not at all (answered as 404). */
export type AlbumAccess = 'open' | 'locked' | 'hidden';

export interface AlbumServiceDeps {
  readonly db: Database;
  readonly deletion: DeletionService;
  readonly clock: Clock;
}

/** Single-line text without control characters, cut to `max` code points. */
export function cleanLine(value: string, max: number): string {
  return codePointSlice(toWellFormed(value).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim(), max).trim();
}

/** Multi-line text: line breaks kept, other control characters dropped. */
export function cleanText(value: string, max: number): string {
  return codePointSlice(toWellFormed(value).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '').trim(), max).trim();
}

/**
 * Albums: creation with privacy and an optional password (hashed like account passwords), edits,
 * deletion with or without the images, moving images, and who may see what.
 */
export class AlbumService {
  constructor(private readonly deps: AlbumServiceDeps) {}

  isManager(user: User | null, album: Pick<Album, 'userId'>): boolean {
    return user !== null && (user.id === album.userId || user.isAdmin);
  }

  /** Private albums are the owner's (and admins'); password albums open once unlocked in this session. */
  access(album: Album, viewer: User | null, unlocked: readonly number[]): AlbumAccess {
    if (this.isManager(viewer, album)) return 'open';
    if (album.privacy === 'private') return 'hidden';
    if (album.privacy === 'password' && !unlocked.includes(album.id)) return 'locked';
    return 'open';
  }

  async checkPassword(album: Album, password: string): Promise<boolean> {
    if (album.privacy !== 'password' || album.passwordHash === null || password === '') return false;
    return verifyPassword(password, album.passwordHash);
  }

  async create(owner: User, input: AlbumInput, imageIds: readonly number[] = []): Promise<AlbumResult> {
    const parsed = await this.parse(input, null);
    if (!parsed.ok) return parsed;
    const { db, clock } = this.deps;
    const album = await db.transaction(async (repos) => {
      const created = await repos.albums.create({ userId: owner.id, ...parsed.value, createdAt: clock.now() });
      if (imageIds.length > 0) await repos.curation.moveImages(owner.id, imageIds, created.id);
      return created;
    });
    return { ok: true, album: (await db.albums.findById(album.id)) ?? album };
  }

  async update(album: Album, input: AlbumInput): Promise<AlbumResult> {
    const parsed = await this.parse(input, album);
    if (!parsed.ok) return parsed;
    await this.deps.db.curation.updateAlbum(album.id, parsed.value);
    return { ok: true, album: { ...album, ...parsed.value } };
  }

  /** Deletes the album; its images are deleted too (files first, like any deletion) or left outside any album. */
  async delete(album: Album, withImages: boolean): Promise<number> {
    const { db, deletion } = this.deps;
    let deleted = 0;
    if (withImages) {
      for (const id of await db.listings.albumImageIds(album.id)) {
        if (await deletion.deleteImage(id)) deleted++;
      }
    }
    await db.curation.deleteAlbum(album.id);
    return deleted;
  }

  /** Moves `ownerId`'s images into `target` (which the caller checked they manage), or out of any album. */
  move(ownerId: number, imageIds: readonly number[], target: Album | null): Promise<number> {
    return this.deps.db.curation.moveImages(ownerId, imageIds, target?.id ?? null);
  }

  private async parse(
    input: AlbumInput,
    existing: Album | null,
  ): Promise<{ ok: true; value: { name: string; description: string | null; privacy: AlbumPrivacy; passwordHash: string | null } } | { ok: false; problem: AlbumProblem }> {
    const name = cleanLine(input.name, MAX_ALBUM_NAME);
    if (name === '') return { ok: false, problem: 'name' };
    const privacy = ALBUM_PRIVACIES.find((p) => p === input.privacy);
    if (!privacy) return { ok: false, problem: 'privacy' };
    const description = cleanText(input.description ?? '', MAX_ALBUM_DESCRIPTION) || null;
    let passwordHash: string | null = null;
    if (privacy === 'password') {
      const password = input.password ?? '';
      if (codePointLength(password) > MAX_ALBUM_PASSWORD) return { ok: false, problem: 'password' };
      if (password !== '') passwordHash = await hashPassword(password);
      else if (existing?.privacy === 'password' && existing.passwordHash) passwordHash = existing.passwordHash;
      else return { ok: false, problem: 'password' };
    }
    return { ok: true, value: { name, description, privacy, passwordHash } };
  }
}
