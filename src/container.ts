import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';
import { PublicIdCodec } from './domain/public-id.js';
import { openDatabase } from './db/database.js';
import { randomHex } from './lib/secrets.js';
import { SharpFfmpegPipeline } from './media/media-pipeline.js';
import { resolveFfmpegPaths } from './media/ffmpeg-paths.js';
import { AddressPolicy } from './net/ssrf-guard.js';
import { GuardedUrlFetcher } from './net/url-fetcher.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Database } from './ports/repositories.js';
import { LocalDiskStore } from './storage/local-disk.store.js';
import type { BlobStore } from './ports/blob-store.js';
import { PinholeMetrics } from './metrics/metrics.js';
import { MeasuredUploadService, measuredPipeline } from './metrics/measured.js';
import { AccountService } from './services/account.service.js';
import { DeletionService, DELETE_JOB } from './services/deletion.service.js';
import { ImagePresenter } from './services/image-presenter.js';
import { MaintenanceService } from './services/maintenance.service.js';
import { UploadService } from './services/upload.service.js';
import { ViewRecorder } from './services/view-recorder.js';
import { SessionService } from './services/session.service.js';
import { WebAuthService } from './services/web-auth.service.js';
import { UrlBuilder } from './services/url-builder.js';
import { defaultsFromConfig, SiteSettings } from './services/site-settings.service.js';
import { AdminService } from './services/admin.service.js';
import { JobRunner } from './jobs/job-runner.js';
import { deleteJobHandler } from './jobs/delete-image.job.js';
import type { UrlFetcher } from './ports/url-fetcher.js';
import { sitePeers, type SitePeers } from './cluster/peers.js';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly db: Database;
  readonly store: BlobStore;
  readonly ids: PublicIdCodec;
  readonly urls: UrlBuilder;
  readonly accounts: AccountService;
  readonly uploads: UploadService;
  readonly deletion: DeletionService;
  readonly maintenance: MaintenanceService;
  readonly presenter: ImagePresenter;
  readonly sessions: SessionService;
  readonly webAuth: WebAuthService;
  readonly fetcher: UrlFetcher;
  readonly jobs: JobRunner;
  /** Settings the admin dashboard changes at run time; env values are their defaults. */
  readonly site: SiteSettings;
  readonly admin: AdminService;
  /** Prometheus metrics of this process (served at /metrics). */
  readonly metrics: PinholeMetrics;
  /** Services besides the database and storage that /readyz checks (Redis when configured). */
  readonly readiness: Readonly<Record<string, () => Promise<unknown>>>;
  /** Viewer page views, written behind the page (flushed by close()). */
  readonly views: ViewRecorder;
  /** The site's other server processes (PINHOLE_WORKERS > 1), or none. */
  readonly peers: SitePeers;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** The one place that creates adapters and services and wires them (DESIGN §2). */
export async function createContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  const logger =
    overrides.logger ??
    pino({
      level: config.logLevel,
      redact: { paths: ['req.headers["x-api-key"]', 'req.headers.cookie', 'req.headers.authorization', 'key'], censor: '[redacted]' },
    });
  const clock = overrides.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true });
  const opened = await openDatabase(config.database, { onWarning: (message) => logger.warn(message) });
  // The Redis and S3 clients are loaded only when configured (they are large modules to hold in memory).
  const redisModule = config.redisUrl === null ? null : await import('./redis/redis-rate-limit.repository.js');
  const redis = redisModule === null || config.redisUrl === null ? null : redisModule.createRedisClient(config.redisUrl);
  // With Redis, rate-limit counters live there; everything else stays in the database.
  const db: Database = redis === null || redisModule === null ? opened : { ...opened, rateLimits: new redisModule.RedisRateLimitRepository(redis) };
  const readiness: Record<string, () => Promise<unknown>> = redis === null ? {} : { redis: () => redis.ping() };
  try {
    // The id salt and the key pepper are made once per site and kept with the data.
    const salt = config.idSalt ?? (await db.settings.getOrInit('id_salt', randomHex(4)));
    const pepper = await db.settings.getOrInit('key_pepper', randomHex(32));
    const ids = new PublicIdCodec({ salt, padding: config.idPadding });
    const site = new SiteSettings({ settings: db.settings, defaults: defaultsFromConfig(config), logger: logger.child({ component: 'settings' }) });
    await site.load();
    const store = await createStore(config);
    const urls = new UrlBuilder({ baseUrl: config.baseUrl, routes: site.routes, seoUrls: config.seoUrls, ids, mediaBaseUrl: config.mediaBaseUrl });
    const ff = resolveFfmpegPaths({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath });
    const metrics = new PinholeMetrics({ instanceId: config.instanceId, queueDepth: () => db.jobs.countPending() });
    const peers = sitePeers(() => metrics.series());
    // A file this process deletes is dropped from the other workers' memory at once, not after their next check.
    store.onDelete?.((key) => peers.announceDeleted(key));
    // Likewise settings saved in the dashboard: the other workers read them at once, not within seconds.
    site.onSaved(() => peers.announceSettingsSaved());
    peers.onSettingsSavedElsewhere(() => site.savedElsewhere());
    const media = measuredPipeline(
      new SharpFfmpegPipeline({ ffmpegPath: ff.ffmpegPath, ffprobePath: ff.ffprobePath, concurrency: config.mediaConcurrency, cores: config.mediaCores }),
      metrics,
    );
    const accounts = new AccountService({ repos: db, clock, ids, pepper, get guestKey() { return site.values.guestKey; } });
    const uploads = new MeasuredUploadService({
      db,
      store,
      media,
      clock,
      ids,
      pepper,
      options: {
        // Getters: the dashboard's values are read on every upload, not copied once.
        get limits() { return { ...config.limits, ...site.limits }; },
        get duplicates() { return site.values.duplicates; },
        expiration: config.expiration,
        flood: site.flood,
        get moderation() { return site.values.moderation; },
        get timeZone() { return site.values.timeZone; },
        fileNaming: config.fileNaming,
        keepExif: config.keepExif,
        thumbSize: config.thumbSize,
        mediumSize: config.mediumSize,
      },
    }, metrics);
    // A deletion's lease: twenty job intervals, within 5 s to 5 min (a test's fast runner takes over quickly).
    const deletionLeaseMs = Math.min(300_000, Math.max(5_000, 20 * config.jobIntervalMs));
    const deletion = new DeletionService({ db, store, clock, pepper, instanceId: config.instanceId, leaseMs: deletionLeaseMs });
    const maintenance = new MaintenanceService({ db, store });
    const presenter = new ImagePresenter({ urls, get timeZone() { return site.values.timeZone; }, loaderMaxBytes: config.loaderMaxBytes });
    const fetcher = new GuardedUrlFetcher({
      policy: new AddressPolicy(config.urlSources.allowPrivate),
      timeoutMs: config.urlSources.timeoutMs,
      maxRedirects: config.urlSources.maxRedirects,
    });
    const sessions = new SessionService({ db, clock, pepper });
    const webAuth = new WebAuthService({ repos: db, clock });
    const admin = new AdminService({ db, deletion });
    const views = new ViewRecorder({ images: db.images, logger: logger.child({ component: 'views' }) });
    const jobs = new JobRunner({
      jobs: db.jobs,
      clock,
      logger: logger.child({ component: 'jobs' }),
      handlers: { [DELETE_JOB]: deleteJobHandler(deletion) },
      periodic: [() => deletion.queueExpired(), () => deletion.resumeInterrupted(), () => sessions.purgeExpired()],
      intervalMs: config.jobIntervalMs,
      // A job whose instance died is claimed again after this long.
      leaseMs: deletionLeaseMs,
    });
    return {
      config, logger, clock, db, store, ids, urls, accounts, uploads, deletion, maintenance, presenter, sessions, webAuth, fetcher, jobs, site, admin, metrics, readiness, views, peers,
      async close() {
        await jobs.stop();
        await views.flush();
        await db.close();
        store.close?.();
        await redis?.quit().catch(() => redis.disconnect());
      },
    };
  } catch (error) {
    await db.close();
    redis?.disconnect();
    throw error;
  }
}

/** Stored files: the data dir's `images/`, or a bucket; temp files stay in the data dir either way. */
async function createStore(config: Config): Promise<BlobStore> {
  const tmpDir = path.join(config.dataDir, 'tmp');
  const { storage } = config;
  if (storage.kind === 'local') return new LocalDiskStore({ root: path.join(config.dataDir, 'images'), tmpDir });
  const { createS3Client, S3Store } = await import('./storage/s3.store.js');
  return new S3Store({ client: createS3Client(storage), bucket: storage.bucket, prefix: storage.prefix, tmpDir });
}
