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
import { AccountService } from './services/account.service.js';
import { DeletionService, DELETE_JOB } from './services/deletion.service.js';
import { ImagePresenter } from './services/image-presenter.js';
import { MaintenanceService } from './services/maintenance.service.js';
import { UploadService } from './services/upload.service.js';
import { SessionService } from './services/session.service.js';
import { UrlBuilder } from './services/url-builder.js';
import { JobRunner } from './jobs/job-runner.js';
import { deleteJobHandler } from './jobs/delete-image.job.js';
import type { UrlFetcher } from './ports/url-fetcher.js';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly db: Database;
  readonly store: LocalDiskStore;
  readonly ids: PublicIdCodec;
  readonly urls: UrlBuilder;
  readonly accounts: AccountService;
  readonly uploads: UploadService;
  readonly deletion: DeletionService;
  readonly maintenance: MaintenanceService;
  readonly presenter: ImagePresenter;
  readonly sessions: SessionService;
  readonly fetcher: UrlFetcher;
  readonly jobs: JobRunner;
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
  const db = await openDatabase(config.database);
  try {
    // The id salt and the key pepper are made once per site and kept with the data.
    const salt = config.idSalt ?? (await db.settings.getOrInit('id_salt', randomHex(4)));
    const pepper = await db.settings.getOrInit('key_pepper', randomHex(32));
    const ids = new PublicIdCodec({ salt, padding: config.idPadding });
    const store = new LocalDiskStore({ root: path.join(config.dataDir, 'images'), tmpDir: path.join(config.dataDir, 'tmp') });
    const urls = new UrlBuilder({ baseUrl: config.baseUrl, routes: config.routes, seoUrls: config.seoUrls, ids });
    const ff = resolveFfmpegPaths({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath });
    const media = new SharpFfmpegPipeline({ ffmpegPath: ff.ffmpegPath, ffprobePath: ff.ffprobePath, concurrency: config.mediaConcurrency });
    const accounts = new AccountService({ repos: db, clock, ids, pepper, guestKey: config.guestKey });
    const uploads = new UploadService({
      db,
      store,
      media,
      clock,
      ids,
      pepper,
      options: {
        limits: config.limits,
        duplicates: config.duplicates,
        expiration: config.expiration,
        flood: config.flood,
        moderation: config.moderation,
        timeZone: config.timeZone,
        fileNaming: config.fileNaming,
        keepExif: config.keepExif,
        thumbSize: config.thumbSize,
        mediumSize: config.mediumSize,
      },
    });
    const deletion = new DeletionService({ db, store, clock, pepper });
    const maintenance = new MaintenanceService({ db, store });
    const presenter = new ImagePresenter({ urls, timeZone: config.timeZone, loaderMaxBytes: config.loaderMaxBytes });
    const fetcher = new GuardedUrlFetcher({
      policy: new AddressPolicy(config.urlSources.allowPrivate),
      timeoutMs: config.urlSources.timeoutMs,
      maxRedirects: config.urlSources.maxRedirects,
    });
    const sessions = new SessionService({ db, clock, pepper });
    const jobs = new JobRunner({
      jobs: db.jobs,
      clock,
      logger: logger.child({ component: 'jobs' }),
      handlers: { [DELETE_JOB]: deleteJobHandler(deletion) },
      periodic: [() => deletion.queueExpired(), () => deletion.resumeInterrupted(), () => sessions.purgeExpired()],
      intervalMs: config.jobIntervalMs,
    });
    return {
      config, logger, clock, db, store, ids, urls, accounts, uploads, deletion, maintenance, presenter, sessions, fetcher, jobs,
      async close() {
        await jobs.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
