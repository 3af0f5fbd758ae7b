import cluster from 'node:cluster';
import { loadConfig, ConfigError, type Config } from './config/config.js';
import { createContainer, type Container } from './container.js';
import { buildApp } from './app.js';
import { cleanTempDir } from './storage/local-disk.store.js';
import { superviseWorkers } from './cluster/primary.js';

/**
 * Entry point: load config; alone (PINHOLE_WORKERS=1, the default) prepare the site, listen and shut
 * down gracefully; with more workers, the primary prepares the site and supervises them, and each
 * worker (this same file, started by `node:cluster`) serves.
 */
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
  if (config.workers > 1 && cluster.isPrimary) {
    process.exit(await runPrimary(config));
  }
  const c = await createContainer(config);
  // A worker's site was prepared by its primary before it started (another worker may be uploading now).
  if (cluster.isPrimary) await prepareSite(c);
  await serve(c);
}

/** The primary of a cluster: prepares the site once, then runs the workers until told to stop. */
async function runPrimary(config: Config): Promise<number> {
  const c = await createContainer(config);
  try {
    await prepareSite(c);
  } finally {
    await c.close();
  }
  c.logger.info({ workers: config.workers }, 'starting the workers');
  return superviseWorkers({ workers: config.workers, logger: c.logger });
}

/**
 * What is done once per start of the site, before anything serves: temp files of a previous run
 * removed, stored files without a row (an upload cut off by a crash) swept, interrupted deletions
 * finished, and on a new database the admin account created.
 */
async function prepareSite(c: Container): Promise<void> {
  const { config, logger: log } = c;
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
}

/** Listens, runs the job runner, and shuts down gracefully on SIGINT or SIGTERM. */
async function serve(c: Container): Promise<void> {
  const { config, logger: log } = c;
  const app = await buildApp(c);
  const address = await app.listen({ port: config.port, host: config.host });
  c.jobs.start();
  log.info({ address, baseUrl: config.baseUrl, database: config.database.kind, ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}) }, 'Pinhole is listening');
  c.peers.announceReady(address);

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
  // A worker whose primary is gone (killed outright) has no one to answer to: it stops as on SIGTERM.
  if (cluster.isWorker) process.on('disconnect', () => void shutdown('disconnect'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Pinhole failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
