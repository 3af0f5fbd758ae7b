import type { Kysely, Selectable } from 'kysely';
import type { NewUser, User, UserRepository } from '../ports/repositories.js';
import type { DB, UsersTable } from './schema.js';
import { fromFlagOrNull, toFlag, toFlagOrNull, toMs } from './row-mapping.js';
import { CompiledQueries } from './compiled-queries.js';

type UserPatch = Parameters<UserRepository['update']>[1];

/** A `users` row as the domain sees it (also read joined to an image). */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    isAdmin: row.is_admin !== 0,
    keepExif: fromFlagOrNull(row.keep_exif),
    defaultExpiration: row.default_expiration,
    createdAt: new Date(row.created_at),
    language: row.language,
    disabled: row.disabled !== 0,
  };
}

/**
 * Usernames are unique regardless of case through `username_lower`; the original spelling is kept
 * for display. JavaScript lower-casing is used on both dialects so they agree on non-ASCII names.
 */
export class KyselyUserRepository implements UserRepository {
  /** findById runs on every page that shows an upload: compiled once. */
  readonly #compiled: CompiledQueries<DB>;

  constructor(private readonly db: Kysely<DB>) {
    this.#compiled = new CompiledQueries(db);
  }

  async create(user: NewUser): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        username: user.username,
        username_lower: user.username.toLowerCase(),
        email: user.email ?? null,
        password_hash: user.passwordHash,
        is_admin: toFlag(user.isAdmin),
        keep_exif: null,
        default_expiration: null,
        created_at: toMs(user.createdAt),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async findById(id: number): Promise<User | null> {
    const row = await this.#compiled.first('byId', { id }, (v) => this.db.selectFrom('users').selectAll().where('id', '=', v.id));
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_lower', '=', username.toLowerCase())
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: number, patch: UserPatch): Promise<void> {
    const values: {
      email?: string | null;
      password_hash?: string | null;
      is_admin?: number;
      keep_exif?: number | null;
      default_expiration?: string | null;
      language?: string | null;
      disabled?: number;
    } = {};
    if (patch.email !== undefined) values.email = patch.email;
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    if (patch.isAdmin !== undefined) values.is_admin = toFlag(patch.isAdmin);
    if (patch.keepExif !== undefined) values.keep_exif = toFlagOrNull(patch.keepExif);
    if (patch.defaultExpiration !== undefined) values.default_expiration = patch.defaultExpiration;
    if (patch.language !== undefined) values.language = patch.language;
    if (patch.disabled !== undefined) values.disabled = toFlag(patch.disabled);
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('users').set(values).where('id', '=', id).execute();
  }
}
