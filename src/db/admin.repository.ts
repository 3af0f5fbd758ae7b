import type { Kysely } from 'kysely';
import type { AdminImageRow, AdminRepository, AdminUserRow, SiteStats } from '../ports/admin-repository.js';
import type { DB } from './schema.js';
import { affected } from './row-mapping.js';
import { ACTIVE } from './image.mapping.js';

/** SUM over no rows is NULL, and PostgreSQL's SUM of BIGINT is NUMERIC; both become plain numbers here. */
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export class KyselyAdminRepository implements AdminRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async stats(): Promise<SiteStats> {
    const users = await this.db
      .selectFrom('users')
      .select((eb) => [
        eb.fn.countAll<number>().as('users'),
        eb.fn.sum<number>('is_admin').as('admins'),
        eb.fn.sum<number>('disabled').as('disabled'),
      ])
      .executeTakeFirstOrThrow();
    const images = await this.db
      .selectFrom('images')
      .where('status', '=', ACTIVE)
      .select((eb) => [
        eb.fn.countAll<number>().as('all'),
        eb.fn.sum<number>(eb.case().when('kind', '=', 'video').then(1).else(0).end()).as('videos'),
        eb.fn.sum<number>(eb.case().when('is_approved', '=', 0).then(1).else(0).end()).as('unapproved'),
        eb.fn.sum<number>('size').as('bytes'),
      ])
      .executeTakeFirstOrThrow();
    const files = await this.db
      .selectFrom('image_files')
      .select((eb) => eb.fn.sum<number>('size').as('bytes'))
      .executeTakeFirstOrThrow();
    const albums = await this.db
      .selectFrom('albums')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const videos = num(images.videos);
    return {
      users: num(users.users),
      admins: num(users.admins),
      disabledUsers: num(users.disabled),
      images: num(images.all) - videos,
      videos,
      albums: num(albums.n),
      originalBytes: num(images.bytes),
      storedBytes: num(files.bytes),
      unapproved: num(images.unapproved),
    };
  }

  async listUsers(offset: number, limit: number): Promise<AdminUserRow[]> {
    const rows = await this.db
      .selectFrom('users')
      .leftJoin('images', (join) => join.onRef('images.user_id', '=', 'users.id').on('images.status', '=', ACTIVE))
      .select((eb) => [
        'users.id',
        'users.username',
        'users.email',
        'users.is_admin',
        'users.disabled',
        'users.created_at',
        eb.fn.count<number>('images.id').as('uploads'),
        eb.fn.sum<number>('images.size').as('bytes'),
      ])
      .groupBy(['users.id', 'users.username', 'users.email', 'users.is_admin', 'users.disabled', 'users.created_at'])
      .orderBy('users.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      email: row.email,
      isAdmin: row.is_admin !== 0,
      disabled: row.disabled !== 0,
      createdAt: new Date(row.created_at),
      uploads: num(row.uploads),
      bytes: num(row.bytes),
    }));
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .where('is_admin', '=', 1)
      .where('disabled', '=', 0)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return num(row.n);
  }

  async listImages(filter: { readonly unapprovedOnly: boolean }, offset: number, limit: number): Promise<AdminImageRow[]> {
    let query = this.db
      .selectFrom('images')
      .leftJoin('users', 'users.id', 'images.user_id')
      .leftJoin('image_files as thumb', (join) => join.onRef('thumb.image_id', '=', 'images.id').on('thumb.kind', '=', 'thumb'))
      .where('images.status', '=', ACTIVE)
      .select([
        'images.id',
        'images.kind',
        'images.title',
        'images.name',
        'images.extension',
        'images.size',
        'images.width',
        'images.height',
        'images.uploaded_at',
        'images.is_approved',
        'images.user_id',
        'users.username',
        'thumb.key as thumb_key',
      ]);
    if (filter.unapprovedOnly) query = query.where('images.is_approved', '=', 0);
    const rows = await query.orderBy('images.id', 'desc').limit(limit).offset(offset).execute();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind === 'video' ? 'video' : 'image',
      title: row.title,
      filename: `${row.name}.${row.extension}`,
      size: num(row.size),
      width: row.width,
      height: row.height,
      uploadedAt: new Date(row.uploaded_at),
      isApproved: row.is_approved !== 0,
      userId: row.user_id,
      username: row.username,
      thumbKey: row.thumb_key,
    }));
  }

  async countImagesOfUser(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('images')
      .where('user_id', '=', userId)
      .where('status', '=', ACTIVE)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return num(row.n);
  }

  async imageIdsOfUser(userId: number, limit: number): Promise<number[]> {
    const rows = await this.db.selectFrom('images').select('id').where('user_id', '=', userId).orderBy('id').limit(limit).execute();
    return rows.map((row) => row.id);
  }

  async approveImage(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('images')
      .set({ is_approved: 1 })
      .where('id', '=', id)
      .where('status', '=', ACTIVE)
      .where('is_approved', '=', 0)
      .executeTakeFirst();
    return affected(result);
  }

  async deleteUser(id: number): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }
}
