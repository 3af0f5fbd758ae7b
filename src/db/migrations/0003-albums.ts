import type { Kysely, Migration } from 'kysely';

/**
 * Tag pages list a tag's images newest first: with (tag_id, image_id) the index alone yields them in
 * order, where the old (tag_id) index needed a sort of every image carrying the tag.
 */
export function albumsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('image_tags_tag_image').on('image_tags').columns(['tag_id', 'image_id']).execute();
      await db.schema.dropIndex('image_tags_tag_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('image_tags_tag_id').on('image_tags').column('tag_id').execute();
      await db.schema.dropIndex('image_tags_tag_image').execute();
    },
  };
}
