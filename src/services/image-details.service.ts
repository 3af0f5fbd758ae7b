import type { Database, ImageRecord, User } from '../ports/repositories.js';
import { parseTags } from '../domain/tags.js';
import { MAX_TITLE_CODE_POINTS } from '../domain/file-naming.js';
import { cleanLine, cleanText } from './album.service.js';

/** The API takes descriptions up to this size; the editor keeps the same bound. */
const MAX_DESCRIPTION = 65_535;

export interface ImageDetailsInput {
  readonly title: string;
  readonly description: string;
  /** Comma-separated, as the uploader takes them. */
  readonly tags: string;
  /** Id of an album of the image's owner, or null for none. */
  readonly albumId: number | null;
  readonly nsfw: boolean;
}

export type ImageDetailsResult = { readonly ok: true } | { readonly ok: false; readonly problem: 'album' };

export interface ImageDetailsServiceDeps {
  readonly db: Database;
}

/** The owner's edits of an upload: title, description, tags, album and the NSFW flag. */
export class ImageDetailsService {
  constructor(private readonly deps: ImageDetailsServiceDeps) {}

  /** Owners manage their uploads, admins every upload; guest uploads have no owner to edit them here. */
  canManage(user: User | null, image: Pick<ImageRecord, 'userId'>): boolean {
    return user !== null && (user.isAdmin || (image.userId !== null && image.userId === user.id));
  }

  async edit(image: ImageRecord, input: ImageDetailsInput): Promise<ImageDetailsResult> {
    const { db } = this.deps;
    if (input.albumId !== null) {
      const album = await db.albums.findById(input.albumId);
      // The image may only join an album of its own owner, whoever edits it.
      if (!album || album.userId !== image.userId) return { ok: false, problem: 'album' };
    }
    await db.curation.updateImageDetails(image.id, {
      title: cleanLine(input.title, MAX_TITLE_CODE_POINTS) || null,
      description: cleanText(input.description, MAX_DESCRIPTION) || null,
      tags: parseTags(input.tags),
      albumId: input.albumId,
      nsfw: input.nsfw,
    });
    return { ok: true };
  }
}
