import { sql, type Kysely, type Selectable } from 'kysely';
import type { ImageInContext, ImageRecord, ImageRepository, NewImage } from '../ports/repositories.js';
import type { AlbumsTable, DB, ImagesTable, SqlDialect, UsersTable } from './schema.js';
import { toAlbum } from './album.repository.js';
import { toUser } from './user.repository.js';
import { ACTIVE, DELETING, FILE_KINDS, fileRow, imageRow, toImageFile, toImageRecord } from './image.mapping.js';
import { affected, inTransaction, toMs } from './row-mapping.js';
import { CompiledQueries } from './compiled-queries.js';

/** Rows per query while streaming file keys; large enough to amortise round trips, small enough to bound memory. */
const FILE_KEY_PAGE = 500;

/** An `image_files` row as `childrenJson` packs it: the columns in this order. */
type FileTuple = [string, string, string, string, string, number, number, number];

/**
 * A correlated subquery giving, as JSON text, the files of `images.id` (an array of FileTuple) or
 * its tag names in their order. The SQL differs by dialect; the text it yields does not.
 */
function childrenJson(dialect: SqlDialect, what: 'files' | 'tags') {
  if (dialect === 'postgres') {
    return what === 'files'
      ? sql<string>`(select coalesce(json_agg(json_build_array(f.kind, f.key, f.name, f.extension, f.mime, f.size, f.width, f.height)), '[]')::text from image_files f where f.image_id = images.id)`
      : sql<string>`(select coalesce(json_agg(t.name order by it.position), '[]')::text from image_tags it join tags t on t.id = it.tag_id where it.image_id = images.id)`;
  }
  return what === 'files'
    ? sql<string>`(select coalesce(json_group_array(json_array(f.kind, f.key, f.name, f.extension, f.mime, f.size, f.width, f.height)), '[]') from image_files f where f.image_id = images.id)`
    : sql<string>`(select coalesce(json_group_array(t.name order by it.position), '[]') from image_tags it join tags t on t.id = it.tag_id where it.image_id = images.id)`;
}

/** The two columns that carry an image's files and tags in its own row. */
function childrenColumns(dialect: SqlDialect) {
  return [childrenJson(dialect, 'files').as('files_json'), childrenJson(dialect, 'tags').as('tags_json')] as const;
}

/** A row selected with the children columns, as the domain's record. */
function withChildren(row: Selectable<ImagesTable> & { files_json: string; tags_json: string }): ImageRecord {
  const files = (JSON.parse(row.files_json) as FileTuple[]).map(([kind, key, name, extension, mime, size, width, height]) =>
    toImageFile({ image_id: row.id, kind, key, name, extension, mime, size, width, height }),
  );
  files.sort((a, b) => FILE_KINDS.indexOf(a.kind) - FILE_KINDS.indexOf(b.kind));
  return toImageRecord(row, JSON.parse(row.tags_json) as string[], files);
}

/** Every column of a table read through a join (the compiler checks that none is missing). */
function joinedColumns<T>() {
  return <const C extends ReadonlyArray<keyof T & string>>(columns: C & (Exclude<keyof T, C[number]> extends never ? unknown : never)) => columns;
}

const OWNER_COLUMNS = joinedColumns<UsersTable>()([
  'id', 'username', 'username_lower', 'email', 'password_hash', 'is_admin', 'keep_exif', 'default_expiration', 'created_at', 'language', 'disabled',
]);
const ALBUM_COLUMNS = joinedColumns<AlbumsTable>()(['id', 'user_id', 'name', 'description', 'privacy', 'password_hash', 'image_count', 'created_at']);

/**
 * The row of a left-joined table, whose columns were selected as `${prefix}${column}`, back under its
 * own column names; null when nothing joined. The prefixes end in `__`, which no column name has.
 */
function joinedRow<T>(row: Readonly<Record<string, unknown>>, prefix: string, columns: ReadonlyArray<keyof T & string>): Selectable<T> | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column] = row[`${prefix}${column}`];
  return out as Selectable<T>;
}

/**
 * Multi-statement writes (insert, deleteRows) join the caller's transaction when the repository
 * was handed out by `Database.transaction`, and open their own otherwise, so they are atomic either way.
 */
export class KyselyImageRepository implements ImageRepository {
  /** The lookups of every viewer page and short URL: compiled once. */
  readonly #compiled: CompiledQueries<DB>;
  /** The files and tags of each selected image, as JSON text (see withChildren). */
  readonly #childrenColumns: ReturnType<typeof childrenColumns>;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: SqlDialect = 'sqlite',
  ) {
    this.#compiled = new CompiledQueries(db);
    this.#childrenColumns = childrenColumns(dialect);
  }

  insert(image: NewImage, deleteSecretHash: string): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const { id } = await trx.insertInto('images').values(imageRow(image)).returning('id').executeTakeFirstOrThrow();
      if (image.files.length > 0) {
        await trx.insertInto('image_files').values(image.files.map((file) => fileRow(id, file))).execute();
      }
      await linkTags(trx, id, image.tags);
      await trx.insertInto('image_delete_secrets').values({ image_id: id, hash: deleteSecretHash }).execute();
      if (image.albumId !== null) {
        await trx
          .updateTable('albums')
          .set((eb) => ({ image_count: eb('image_count', '+', 1) }))
          .where('id', '=', image.albumId)
          .execute();
      }
      return id;
    });
  }

  /**
   * One round trip for the row, its files and its tags (each a JSON array in a column): the lookup of
   * every viewer page and short URL, where three queries in parallel cost three wake-ups of the
   * database and three pool connections per request.
   */
  async findById(id: number): Promise<ImageRecord | null> {
    const row = await this.#compiled.first('byIdWithChildren', { id }, (v) =>
      this.db
        .selectFrom('images')
        .selectAll('images')
        .select(this.#childrenColumns)
        .where('images.id', '=', v.id),
    );
    return row ? withChildren(row) : null;
  }

  /**
   * The viewer page's first read, one round trip instead of three: on PostgreSQL every query is a
   * wake-up of a backend and a message each way, which cost a page more than the rows themselves.
   */
  async findWithOwnerAndAlbum(id: number): Promise<ImageInContext | null> {
    const row = await this.#compiled.first('byIdInContext', { id }, (v) =>
      this.db
        .selectFrom('images')
        .leftJoin('users as owner', 'owner.id', 'images.user_id')
        .leftJoin('albums as album', 'album.id', 'images.album_id')
        .selectAll('images')
        .select(this.#childrenColumns)
        .select(OWNER_COLUMNS.map((column) => sql.ref<unknown>(`owner.${column}`).as(`owner__${column}`)))
        .select(ALBUM_COLUMNS.map((column) => sql.ref<unknown>(`album.${column}`).as(`album__${column}`)))
        .where('images.id', '=', v.id),
    );
    if (!row) return null;
    const owner = joinedRow<UsersTable>(row, 'owner__', OWNER_COLUMNS);
    const album = joinedRow<AlbumsTable>(row, 'album__', ALBUM_COLUMNS);
    return { image: withChildren(row), owner: owner === null ? null : toUser(owner), album: album === null ? null : toAlbum(album) };
  }

  /** Among several matches, prefers the copy that lives longest (no expiry, then the latest expiry). */
  async findReusable(userId: number | null, sha256: string): Promise<ImageRecord | null> {
    const row = await this.db
      .selectFrom('images')
      .selectAll('images')
      .select(this.#childrenColumns)
      .where('user_id', userId === null ? 'is' : '=', userId)
      .where('sha256', '=', sha256)
      .where('status', '=', ACTIVE)
      .orderBy((eb) => eb.case().when('expires_at', 'is', null).then(0).else(1).end())
      .orderBy('expires_at', 'desc')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row ? withChildren(row) : null;
  }

  /** Counts rows still present, whatever their status: a deleted upload no longer counts towards a flood window. */
  async countUploadsSince(filter: { uploaderIp: string } | { apiKeyId: number }, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$call((qb) => ('uploaderIp' in filter ? qb.where('uploader_ip', '=', filter.uploaderIp) : qb.where('api_key_id', '=', filter.apiKeyId)))
      .where('uploaded_at', '>=', toMs(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async getDeleteSecretHash(imageId: number): Promise<string | null> {
    const row = await this.db.selectFrom('image_delete_secrets').select('hash').where('image_id', '=', imageId).executeTakeFirst();
    return row ? row.hash : null;
  }

  /** An upsert, so an image that somehow lost its secret row gets one again instead of silently keeping none. */
  async setDeleteSecretHash(imageId: number, hash: string): Promise<void> {
    await this.db
      .insertInto('image_delete_secrets')
      .values({ image_id: imageId, hash })
      .onConflict((oc) => oc.column('image_id').doUpdateSet({ hash }))
      .execute();
  }

  async markDeleting(id: number, claimAt: Date | null = null): Promise<boolean> {
    const result = await this.db
      .updateTable('images')
      .set({ status: 'deleting', deleting_at: claimAt === null ? null : toMs(claimAt) })
      .where('id', '=', id)
      .where('status', '=', ACTIVE)
      .executeTakeFirst();
    return affected(result);
  }

  async findExpired(now: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('images')
      .select('id')
      .where('expires_at', '<', toMs(now))
      .where('status', '=', ACTIVE)
      .orderBy('expires_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async fileKeysInUse(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.selectFrom('image_files').select('key').where('key', 'in', [...keys]).execute();
    return rows.map((row) => row.key);
  }

  async claimDeletion(id: number, now: Date, staleBefore: Date): Promise<boolean> {
    // One conditional UPDATE: on PostgreSQL a concurrent claimer waits for the row lock, then sees
    // the fresh lease and matches nothing.
    const result = await this.db
      .updateTable('images')
      .set({ deleting_at: toMs(now) })
      .where('id', '=', id)
      .where('status', '=', DELETING)
      .where((eb) => eb.or([eb('deleting_at', 'is', null), eb('deleting_at', '<', toMs(staleBefore))]))
      .executeTakeFirst();
    return affected(result);
  }

  async findDeleting(limit: number, staleBefore?: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom('images')
      .select('id')
      .where('status', '=', DELETING)
      .$if(staleBefore !== undefined, (qb) =>
        qb.where((eb) => eb.or([eb('deleting_at', 'is', null), eb('deleting_at', '<', toMs(staleBefore ?? new Date(0)))])),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Children are deleted explicitly rather than through ON DELETE CASCADE, which SQLite only honours with its pragma on. */
  deleteRows(id: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('image_tags').where('image_id', '=', id).execute();
      await trx.deleteFrom('image_files').where('image_id', '=', id).execute();
      await trx.deleteFrom('image_delete_secrets').where('image_id', '=', id).execute();
      const deleted = await trx.deleteFrom('images').where('id', '=', id).returning('album_id').executeTakeFirst();
      if (deleted !== undefined && deleted.album_id !== null) {
        await trx
          .updateTable('albums')
          .set((eb) => ({ image_count: eb('image_count', '-', 1) }))
          .where('id', '=', deleted.album_id)
          .where('image_count', '>', 0)
          .execute();
      }
      return deleted !== undefined;
    });
  }

  async adoptGuestImages(ids: readonly number[], userId: number): Promise<number> {
    if (ids.length === 0) return 0;
    let changed = 0;
    // Chunks keep the statement under SQLite's bound-parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      const result = await this.db
        .updateTable('images')
        .set({ user_id: userId })
        .where('id', 'in', ids.slice(i, i + 500))
        .where('user_id', 'is', null)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  async incrementViews(id: number): Promise<void> {
    await this.db
      .updateTable('images')
      .set((eb) => ({ views: eb('views', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  /** One UPDATE per batch of up to 200 images (`views + case id when … end`), a single round trip each. */
  async addViews(counts: ReadonlyMap<number, number>): Promise<void> {
    const entries = [...counts];
    for (let i = 0; i < entries.length; i += 200) {
      const chunk = entries.slice(i, i + 200);
      await this.db
        .updateTable('images')
        .set((eb) => {
          const [[firstId, firstCount], ...rest] = chunk as [[number, number], ...Array<[number, number]>];
          let cases = eb.case('id').when(firstId).then(eb.cast<number>(eb.val(firstCount), 'integer'));
          for (const [id, count] of rest) cases = cases.when(id).then(eb.cast<number>(eb.val(count), 'integer'));
          return { views: eb('views', '+', cases.else(0).end()) };
        })
        .where('id', 'in', chunk.map(([id]) => id))
        .execute();
    }
  }

  /** Keyset pagination over the unique key: no long-lived cursor or transaction, and stable while rows are deleted. */
  async *listFileKeys(): AsyncGenerator<{ imageId: number; key: string }> {
    let after: string | null = null;
    for (;;) {
      let page = this.db.selectFrom('image_files').select(['image_id', 'key']).orderBy('key').limit(FILE_KEY_PAGE);
      if (after !== null) page = page.where('key', '>', after);
      const rows = await page.execute();
      for (const row of rows) yield { imageId: row.image_id, key: row.key };
      const last = rows.at(-1);
      if (last === undefined || rows.length < FILE_KEY_PAGE) return;
      after = last.key;
    }
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

}

/**
 * Tags are shared by lower-cased name; the first spelling seen is the one kept. Insert-or-ignore
 * then select survives two uploads creating the same tag at once, and inserting in sorted order
 * makes concurrent PostgreSQL transactions wait on the unique index in the same order (no deadlock).
 */
export async function linkTags(trx: Kysely<DB>, imageId: number, tags: readonly string[]): Promise<void> {
  const byLower = new Map<string, string>();
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!byLower.has(lower)) byLower.set(lower, tag);
  }
  if (byLower.size === 0) return;
  const wanted = [...byLower].map(([nameLower, name]) => ({ name, name_lower: nameLower }));
  await trx
    .insertInto('tags')
    .values([...wanted].sort((a, b) => (a.name_lower < b.name_lower ? -1 : a.name_lower > b.name_lower ? 1 : 0)))
    .onConflict((oc) => oc.column('name_lower').doNothing())
    .execute();
  const found = await trx.selectFrom('tags').select(['id', 'name_lower']).where('name_lower', 'in', [...byLower.keys()]).execute();
  const idByLower = new Map(found.map((row) => [row.name_lower, row.id]));
  const links = wanted.map((tag, position) => {
    const tagId = idByLower.get(tag.name_lower);
    if (tagId === undefined) throw new Error(`tag ${JSON.stringify(tag.name)} missing after insert`);
    return { image_id: imageId, tag_id: tagId, position };
  });
  await trx.insertInto('image_tags').values(links).execute();
}
