import { loadConfig, ConfigError } from './config/config.js';
import { createContainer } from './container.js';
import { buildApp } from './app.js';
import { cleanTempDir } from './storage/local-disk.store.js';

/** Entry point: load config, build the container, reconcile, listen, shut down gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const c = await createContainer(config);
  const log = c.logger;

  await cleanTempDir(c.store.tempDir());
  // A store shared with other instances (a bucket, or one database for several processes) may hold
  // files of uploads another instance is committing right now: only old orphans are removed there.
  const shared = config.storage.kind !== 'local' || config.database.kind !== 'sqlite';
  const orphans = await c.maintenance.removeOrphanFiles(shared ? 3_600_000 : 0, c.clock.now());
  if (orphans > 0) log.warn({ orphans }, 'removed stored files that had no row (interrupted uploads)');
  const resumed = await c.deletion.resumeInterrupted();
  if (resumed > 0) log.info({ resumed }, 'finished interrupted deletions');

  const first = await c.accounts.bootstrapAdmin(config.adminPassword).catch(async (error: unknown) => {
    // Several instances starting together on a new database: one of them made the admin, which is all we need.
    if ((await c.db.users.count()) > 0) return null;
    throw error;
  });
  if (first) {
    // The secrets go to the console once, never into structured logs that collectors keep.
    log.info({ username: first.user.username }, 'first start: created the admin account and an API key (printed below, only this once)');
    process.stdout.write(`\nAdmin account: admin\n${first.password ? `Password: ${first.password}\n` : ''}API key: ${first.key}\n\n`);
  }

  const app = await buildApp(c);
  const address = await app.listen({ port: config.port, host: config.host });
  c.jobs.start();
  log.info({ address, baseUrl: config.baseUrl, database: config.database.kind }, 'Pinhole is listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 30_000);
    timer.unref();
    await app.close();
    await c.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Pinhole failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
