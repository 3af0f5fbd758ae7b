import type { Kysely } from 'kysely';
import type { Category, CategoryRepository } from '../ports/repositories.js';
import type { DB } from './schema.js';

export class KyselyCategoryRepository implements CategoryRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(category: { name: string; urlKey: string }): Promise<Category> {
    const row = await this.db
      .insertInto('categories')
      .values({ name: category.name, url_key: category.urlKey })
      .returning(['id', 'name', 'url_key'])
      .executeTakeFirstOrThrow();
    return { id: row.id, name: row.name, urlKey: row.url_key };
  }

  async findById(id: number): Promise<Category | null> {
    const row = await this.db.selectFrom('categories').select(['id', 'name', 'url_key']).where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, urlKey: row.url_key } : null;
  }

  async list(): Promise<Category[]> {
    const rows = await this.db.selectFrom('categories').select(['id', 'name', 'url_key']).orderBy('name').orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, urlKey: row.url_key }));
  }
}
