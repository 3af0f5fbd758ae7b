import { sql, type Kysely } from 'kysely';
import type { AlbumWithCover, ListedImage, ListingPage, ListingRepository, ListingScope, PageQuery } from '../ports/gallery.js';
import type { DB } from './schema.js';
import type { SqliteReader } from './sqlite-reader.js';
import { toAlbum } from './album.repository.js';
import { narrow } from './row-mapping.js';
import { ACTIVE } from './image.mapping.js';
import { CompiledQueries } from './compiled-queries.js';

interface TileRow {
  id: number;
  user_id: number | null;
  album_id: number | null;
  kind: string;
  title: string | null;
  name: string;
  extension: string;
  nsfw: number;
  is_animated: number;
  duration: number;
  uploaded_at: number;
  thumb_key: string | null;
  thumb_width: number | null;
  thumb_height: number | null;
}

function toTile(row: TileRow): ListedImage {
  return {
    id: row.id,
    userId: row.user_id,
    albumId: row.album_id,
    kind: narrow(row.kind, ['image', 'video'], 'images.kind'),
    title: row.title,
    name: row.name,
    extension: row.extension,
    nsfw: row.nsfw !== 0,
    isAnimated: row.is_animated !== 0,
    duration: row.duration,
    uploadedAt: new Date(row.uploaded_at),
    thumb: row.thumb_key === null ? null : { key: row.thumb_key, width: row.thumb_width ?? 0, height: row.thumb_height ?? 0 },
  };
}

/** `%`, `_` and the escape character itself match literally; both dialects honour `escape '\'`. */
export function likePattern(query: string): string {
  return `%${query.normalize('NFC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Every listing walks an index in id order and stops after one page: images by (user_id, id) or
 * (album_id, id), tags by (tag_id, image_id), explore and search by the primary key. Search has to
 * test each row it passes (a substring match cannot use a B-tree), but it still stops at a page.
 */
export class KyselyListingRepository implements ListingRepository {
  /** Listing queries (album pages, a viewer's neighbours, explore…), compiled once per shape. */
  readonly #compiled: CompiledQueries<DB>;

  /** SQLite's reader thread, for searches (a scan of the whole table when few rows match). */
  readonly #reader: SqliteReader | null;

  constructor(
    private readonly db: Kysely<DB>,
    reader: SqliteReader | null = null,
  ) {
    this.#compiled = new CompiledQueries(db);
    this.#reader = reader;
  }

  async listImages(scope: ListingScope, page: PageQuery): Promise<ListingPage> {
    // Walking "after" a cursor of a descending list (or "before" one of an ascending list) goes against the display order.
    const backwards = page.order === 'desc' ? page.after !== undefined : page.before !== undefined;
    const walk = page.before !== undefined ? 'desc' : page.after !== undefined ? 'asc' : page.order;
    // Every value is a bound parameter, so the SQL depends on these alone: compiled once per shape.
    const values: Record<string, unknown> = {};
    // The page size is part of the SQL, not a parameter: SQLite plans a bound LIMIT by its value and
    // would prepare the statement again on every run (see ACTIVE). Sizes are a few fixed settings.
    const limit = page.limit + 1;
    if (!Number.isSafeInteger(limit) || limit < 2) throw new RangeError(`page size must be a positive integer, got ${page.limit}`);
    let shape = `${scope.kind}:${walk}:${limit}`;
    switch (scope.kind) {
      case 'explore':
        break;
      case 'user':
        values.owner = scope.userId;
        shape += scope.includeHidden ? ':hidden' : '';
        break;
      case 'album':
        values.album = scope.albumId;
        shape += scope.includeUnapproved ? ':unapproved' : '';
        break;
      case 'tag':
        values.tag = scope.tagId;
        break;
      case 'search': {
        const pattern = likePattern(scope.query);
        Object.assign(values, { inTitle: pattern, inDescription: pattern, inTags: pattern });
        break;
      }
    }
    if (page.before !== undefined) {
      values.before = page.before;
      shape += ':before';
    }
    if (page.after !== undefined) {
      values.after = page.after;
      shape += ':after';
    }
    const reader = scope.kind === 'search' ? this.#reader : null;
    const elsewhere = reader === null ? undefined : (text: string, parameters: readonly unknown[]) => reader.all<TileRow>(text, parameters);
    const rows = (await this.#compiled.rows(shape, values, (v) => this.listQuery(scope, walk, limit, v), elsewhere)) as TileRow[];
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit).map(toTile);
    if (backwards) items.reverse();
    return { items, more };
  }

  /** The listing query of one shape; `v` holds its values (placeholders while it is compiled). */
  private listQuery(scope: ListingScope, walk: 'asc' | 'desc', limit: number, v: Record<string, unknown>) {
    const idColumn = scope.kind === 'tag' ? 'image_tags.image_id' : 'images.id';
    // Albums are joined only where their privacy decides what is listed.
    const needsAlbum = scope.kind === 'explore' || scope.kind === 'tag' || scope.kind === 'search' || (scope.kind === 'user' && !scope.includeHidden);
    let query = this.db
      .selectFrom('images')
      .leftJoin('image_files as th', (join) => join.onRef('th.image_id', '=', 'images.id').on('th.kind', '=', 'thumb'))
      .$if(needsAlbum, (qb) => qb.leftJoin('albums', 'albums.id', 'images.album_id'))
      .select([
        'images.id', 'images.user_id', 'images.album_id', 'images.kind', 'images.title', 'images.name', 'images.extension',
        'images.nsfw', 'images.is_animated', 'images.duration', 'images.uploaded_at',
        'th.key as thumb_key', 'th.width as thumb_width', 'th.height as thumb_height',
      ])
      .where('images.status', '=', ACTIVE);

    const publicOnly = () =>
      query
        .where('images.is_approved', '=', 1)
        .where((eb) => eb.or([eb('images.album_id', 'is', null), eb(sql.ref('albums.privacy'), '=', 'public')]));
    switch (scope.kind) {
      case 'explore':
        query = publicOnly();
        break;
      case 'user':
        query = scope.includeHidden ? query : publicOnly();
        query = query.where('images.user_id', '=', v.owner as number);
        break;
      case 'album':
        query = query.where('images.album_id', '=', v.album as number);
        if (!scope.includeUnapproved) query = query.where('images.is_approved', '=', 1);
        break;
      case 'tag':
        query = publicOnly().innerJoin('image_tags', (join) => join.onRef('image_tags.image_id', '=', 'images.id').on('image_tags.tag_id', '=', v.tag as number));
        break;
      case 'search': {
        query = publicOnly().where((eb) =>
          eb.or([
            sql<boolean>`lower(${sql.ref('images.title')}) like ${v.inTitle} escape '\\'`,
            sql<boolean>`lower(${sql.ref('images.description')}) like ${v.inDescription} escape '\\'`,
            eb.exists(
              eb
                .selectFrom('image_tags as st')
                .innerJoin('tags as t', 't.id', 'st.tag_id')
                .select(sql.lit(1).as('one'))
                .whereRef('st.image_id', '=', 'images.id')
                .where(sql<boolean>`${sql.ref('t.name_lower')} like ${v.inTags} escape '\\'`),
            ),
          ]),
        );
        break;
      }
    }
    if (v.before !== undefined) query = query.where(sql.ref(idColumn), '<', v.before);
    if (v.after !== undefined) query = query.where(sql.ref(idColumn), '>', v.after);
    return query.orderBy(sql.ref(idColumn), walk).limit(sql.lit(limit));
  }

  async listAlbums(userId: number, options: { readonly publicOnly: boolean }): Promise<AlbumWithCover[]> {
    let query = this.db.selectFrom('albums').selectAll().where('user_id', '=', userId);
    if (options.publicOnly) query = query.where('privacy', '=', 'public');
    const albums = await query.orderBy('id', 'desc').execute();
    if (albums.length === 0) return [];
    const covers = new Map<number, ListedImage['thumb']>();
    const ids = albums.map((a) => a.id);
    for (let i = 0; i < ids.length; i += 500) {
      let coverQuery = this.db
        .selectFrom('images')
        .select(['album_id', (eb) => eb.fn.min('id').as('cover_id')])
        .where('album_id', 'in', ids.slice(i, i + 500))
        .where('status', '=', ACTIVE);
      if (options.publicOnly) coverQuery = coverQuery.where('is_approved', '=', 1);
      const firsts = await coverQuery.groupBy('album_id').execute();
      const byImage = new Map(firsts.map((row) => [Number(row.cover_id), row.album_id]));
      if (byImage.size === 0) continue;
      const thumbs = await this.db
        .selectFrom('image_files')
        .select(['image_id', 'key', 'width', 'height'])
        .where('kind', '=', 'thumb')
        .where('image_id', 'in', [...byImage.keys()])
        .execute();
      for (const t of thumbs) {
        const albumId = byImage.get(t.image_id);
        if (albumId !== undefined && albumId !== null) covers.set(albumId, { key: t.key, width: t.width, height: t.height });
      }
    }
    return albums.map((row) => ({ ...toAlbum(row), cover: covers.get(row.id) ?? null }));
  }

  /** The album's images just before and after `imageId`, in one query (two walks of the album index). */
  async albumNeighbours(albumId: number, imageId: number, includeUnapproved: boolean): Promise<{ prev: ListedImage | null; next: ListedImage | null }> {
    const scope: ListingScope = { kind: 'album', albumId, includeUnapproved };
    const values = { prevAlbum: albumId, before: imageId, nextAlbum: albumId, after: imageId };
    const shape = `neighbours:${includeUnapproved ? 'unapproved' : 'approved'}`;
    const rows = (await this.#compiled.rows(shape, values, (v) => {
      // Each side is a subquery: SQLite allows ORDER BY and LIMIT only on a whole compound select.
      const side = (album: unknown, bound: unknown, walk: 'asc' | 'desc') =>
        this.db.selectFrom(this.listQuery(scope, walk, 1, { album, [walk === 'desc' ? 'before' : 'after']: bound }).as(walk === 'desc' ? 'p' : 'n')).selectAll();
      return side(v.prevAlbum, v.before, 'desc').unionAll(side(v.nextAlbum, v.after, 'asc'));
    })) as TileRow[];
    const prev = rows.find((row) => row.id < imageId);
    const next = rows.find((row) => row.id > imageId);
    return { prev: prev ? toTile(prev) : null, next: next ? toTile(next) : null };
  }

  async albumImageIds(albumId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('images').select('id').where('album_id', '=', albumId).orderBy('id').execute();
    return rows.map((row) => row.id);
  }

  async findTag(name: string): Promise<{ id: number; name: string } | null> {
    const row = await this.db
      .selectFrom('tags')
      .select(['id', 'name'])
      .where('name_lower', '=', name.normalize('NFC').toLowerCase())
      .executeTakeFirst();
    return row ?? null;
  }
}
