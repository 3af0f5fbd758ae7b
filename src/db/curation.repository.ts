import type { Kysely } from 'kysely';
import type { CurationRepository, ImageDetailsPatch } from '../ports/gallery.js';
import type { AlbumPrivacy } from '../ports/repositories.js';
import type { DB } from './schema.js';
import { linkTags } from './image.repository.js';
import { inTransaction } from './row-mapping.js';
import { ACTIVE } from './image.mapping.js';

/** Chunks keep statements under SQLite's bound-parameter limit. */
const CHUNK = 500;

/**
 * Album counts are recounted from the rows after a move rather than adjusted by deltas, so a move of
 * images that were already in the target album, or a concurrent upload, cannot skew them.
 */
async function recount(trx: Kysely<DB>, albumIds: Iterable<number | null>): Promise<void> {
  const ids = [...new Set([...albumIds].filter((id): id is number => id !== null))];
  for (const id of ids) {
    await trx
      .updateTable('albums')
      .set((eb) => ({
        image_count: eb.selectFrom('images').select((s) => s.fn.countAll<number>().as('n')).where('images.album_id', '=', id),
      }))
      .where('id', '=', id)
      .execute();
  }
}

export class KyselyCurationRepository implements CurationRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async updateAlbum(id: number, patch: { name: string; description: string | null; privacy: AlbumPrivacy; passwordHash: string | null }): Promise<void> {
    await this.db
      .updateTable('albums')
      .set({ name: patch.name, description: patch.description, privacy: patch.privacy, password_hash: patch.passwordHash })
      .where('id', '=', id)
      .execute();
  }

  deleteAlbum(id: number): Promise<void> {
    return inTransaction(this.db, async (trx) => {
      await trx.updateTable('images').set({ album_id: null }).where('album_id', '=', id).execute();
      await trx.deleteFrom('albums').where('id', '=', id).execute();
    });
  }

  moveImages(userId: number, imageIds: readonly number[], albumId: number | null): Promise<number> {
    if (imageIds.length === 0) return Promise.resolve(0);
    return inTransaction(this.db, async (trx) => {
      let moved = 0;
      const touched = new Set<number | null>([albumId]);
      for (let i = 0; i < imageIds.length; i += CHUNK) {
        const chunk = imageIds.slice(i, i + CHUNK);
        const owned = await trx
          .selectFrom('images')
          .select(['id', 'album_id'])
          .where('id', 'in', chunk)
          .where('user_id', '=', userId)
          .where('status', '=', ACTIVE)
          .execute();
        if (owned.length === 0) continue;
        for (const row of owned) touched.add(row.album_id);
        const result = await trx
          .updateTable('images')
          .set({ album_id: albumId })
          .where('id', 'in', owned.map((row) => row.id))
          .executeTakeFirst();
        moved += Number(result.numUpdatedRows);
      }
      await recount(trx, touched);
      return moved;
    });
  }

  updateImageDetails(imageId: number, patch: ImageDetailsPatch): Promise<void> {
    return inTransaction(this.db, async (trx) => {
      const before = await trx.selectFrom('images').select('album_id').where('id', '=', imageId).executeTakeFirst();
      if (!before) return;
      await trx
        .updateTable('images')
        .set({ title: patch.title, description: patch.description, nsfw: patch.nsfw ? 1 : 0, album_id: patch.albumId })
        .where('id', '=', imageId)
        .execute();
      await trx.deleteFrom('image_tags').where('image_id', '=', imageId).execute();
      await linkTags(trx, imageId, patch.tags);
      if (before.album_id !== patch.albumId) await recount(trx, [before.album_id, patch.albumId]);
    });
  }
}
