import type { Kysely, Selectable } from 'kysely';
import type { Album, AlbumPrivacy, AlbumRepository } from '../ports/repositories.js';
import type { AlbumsTable, DB } from './schema.js';
import { narrow, toMs } from './row-mapping.js';
import { CompiledQueries } from './compiled-queries.js';

const PRIVACIES: readonly AlbumPrivacy[] = ['public', 'private', 'private_but_link', 'password'];

/** An `albums` row as the domain sees it (also used by the listings). */
export function toAlbum(row: Selectable<AlbumsTable>): Album {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    description: row.description,
    privacy: narrow(row.privacy, PRIVACIES, 'albums.privacy'),
    passwordHash: row.password_hash,
    imageCount: row.image_count,
    createdAt: new Date(row.created_at),
  };
}

/** `image_count` is maintained by the image repository when images are inserted or deleted. */
export class KyselyAlbumRepository implements AlbumRepository {
  /** findById runs on every viewer and album page: compiled once. */
  readonly #compiled: CompiledQueries<DB>;

  constructor(private readonly db: Kysely<DB>) {
    this.#compiled = new CompiledQueries(db);
  }

  async create(album: Parameters<AlbumRepository['create']>[0]): Promise<Album> {
    const row = await this.db
      .insertInto('albums')
      .values({
        user_id: album.userId,
        name: album.name,
        description: album.description,
        privacy: album.privacy,
        password_hash: album.passwordHash ?? null,
        created_at: toMs(album.createdAt),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAlbum(row);
  }

  async findById(id: number): Promise<Album | null> {
    const row = await this.#compiled.first('byId', { id }, (v) => this.db.selectFrom('albums').selectAll().where('id', '=', v.id));
    return row ? toAlbum(row) : null;
  }

  async listByUser(userId: number): Promise<Album[]> {
    const rows = await this.db.selectFrom('albums').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(toAlbum);
  }
}
