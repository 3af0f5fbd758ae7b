import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { initialMigration } from './0001-initial.js';
import { webMigration } from './0002-web.js';
import { albumsMigration } from './0003-albums.js';
import { deletionsMigration } from './0004-deletions.js';

/**
 * Migrations live in code rather than in a folder read at run time, so the built package needs no
 * file layout of its own. Names sort in application order; never rename or edit an applied one.
 */
export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001_initial': initialMigration(dialect),
        '0002_web': webMigration(),
        '0003_albums': albumsMigration(),
        '0004_deletions': deletionsMigration(dialect),
      };
    },
  };
}
