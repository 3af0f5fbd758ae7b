import cluster from 'node:cluster';
import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';

import { envSchema } from './config.schema.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Public base of every URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly preparedStatements: boolean };
  readonly logLevel: string;
  readonly trustProxy: boolean;
  readonly limits: {
    readonly maxBytes: number;
    readonly maxBytesGuest: number;
    readonly maxPixels: number;
    readonly maxFrames: number;
    readonly maxAnimationPixels: number;
    readonly maxVideoSeconds: number;
  };
  readonly urlSources: {
    readonly mode: 'off' | 'admins' | 'everyone';
    /** CIDR ranges that are allowed although private (tests use 127.0.0.0/8). */
    readonly allowPrivate: readonly string[];
    readonly timeoutMs: number;
    readonly maxRedirects: number;
  };
  readonly duplicates: 'allow' | 'reuse' | 'reject';
  readonly expiration: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly flood: {
    readonly enabled: boolean;
    readonly minute: number;
    readonly hour: number;
    readonly day: number;
    readonly week: number;
    readonly month: number;
  };
  readonly moderation: 'off' | 'all' | 'guest';
  readonly guestKey: string;
  /** Guests may upload through the website. */
  readonly guestUploads: boolean;
  readonly signups: boolean;
  readonly defaultLanguage: 'en' | 'zh-CN';
  readonly timeZone: string;
  readonly routes: { readonly image: string; readonly video: string };
  readonly seoUrls: boolean;
  readonly fileNaming: 'original' | 'random' | 'mixed';
  /** Undefined means: generated once and kept in the database. */
  readonly idSalt: string | undefined;
  readonly idPadding: number;
  readonly keepExif: boolean;
  readonly thumbSize: number;
  readonly mediumSize: number;
  readonly loaderMaxBytes: number;
  /** Uploads this process works on at once (the site's share divided between its workers). */
  readonly mediaConcurrency: number;
  /** Cores this process's libvips threads are shared out from (all of them, or a worker's share). */
  readonly mediaCores: number;
  /** Server processes sharing the port (1: this process serves alone; more: a primary and its workers). */
  readonly workers: number;
  /** Serving stored files: memory for small files (thumbnails, mediums), and how their freshness is checked. */
  readonly delivery: { readonly cacheBytes: number; readonly syncStat: boolean; readonly recheckMs: number };
  readonly adminPassword: string | undefined;
  readonly keepAliveTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** A client must have sent its whole request head within this long (slow-header clients are dropped). */
  readonly headersTimeoutMs: number;
  readonly jobIntervalMs: number;
  readonly ffmpegPath: string | undefined;
  readonly ffprobePath: string | undefined;
  /** Where stored files live: the data dir, or an S3-compatible bucket (shared by every instance). */
  readonly storage:
    | { readonly kind: 'local' }
    | {
        readonly kind: 's3';
        readonly endpoint: string | undefined;
        readonly region: string;
        readonly bucket: string;
        readonly accessKeyId: string | undefined;
        readonly secretAccessKey: string | undefined;
        readonly forcePathStyle: boolean;
        /** Empty, or ends with `/`. */
        readonly prefix: string;
      };
  /** Public base of media URLs (a CDN or public bucket) without trailing slash; null: served by Pinhole under /images. */
  readonly mediaBaseUrl: string | null;
  /** Bearer token for /metrics; null: /metrics answers loopback clients only. */
  readonly metricsToken: string | null;
  /** Names this process in logs, metrics and the deletions log. */
  readonly instanceId: string;
  /** Rate-limit counters in Redis instead of the database; null: in the database. */
  readonly redisUrl: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Reads configuration from an environment map; reports every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", so `FOO=` in a .env file falls back to the default.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.PINHOLE_HEADERS_TIMEOUT_MS !== undefined && e.PINHOLE_HEADERS_TIMEOUT_MS > e.PINHOLE_REQUEST_TIMEOUT_MS) {
    problems.push('PINHOLE_HEADERS_TIMEOUT_MS: must not exceed PINHOLE_REQUEST_TIMEOUT_MS');
  }
  if (e.PINHOLE_EXPIRATION_MIN_SECONDS > e.PINHOLE_EXPIRATION_MAX_SECONDS) {
    problems.push('PINHOLE_EXPIRATION_MIN_SECONDS: must not exceed PINHOLE_EXPIRATION_MAX_SECONDS');
  }
  if (e.PINHOLE_ROUTE_IMAGE === e.PINHOLE_ROUTE_VIDEO) problems.push('PINHOLE_ROUTE_VIDEO: must differ from PINHOLE_ROUTE_IMAGE');
  if (e.PINHOLE_STORAGE === 's3' && e.PINHOLE_S3_BUCKET === undefined) problems.push('PINHOLE_S3_BUCKET: required when PINHOLE_STORAGE=s3');
  if ((e.PINHOLE_S3_ACCESS_KEY_ID === undefined) !== (e.PINHOLE_S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('PINHOLE_S3_SECRET_ACCESS_KEY: set both PINHOLE_S3_ACCESS_KEY_ID and PINHOLE_S3_SECRET_ACCESS_KEY, or neither');
  }
  if (e.PINHOLE_S3_PREFIX.startsWith('/') || e.PINHOLE_S3_PREFIX.split('/').some((part) => part === '.' || part === '..')) {
    problems.push('PINHOLE_S3_PREFIX: must not start with / or contain . or .. segments');
  }
  const allowPrivate = e.PINHOLE_URL_ALLOW_PRIVATE.split(',').map((s) => s.trim()).filter(Boolean);
  for (const cidr of allowPrivate) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) problems.push(`PINHOLE_URL_ALLOW_PRIVATE: "${cidr}" is not a CIDR range`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.PINHOLE_DATA_DIR);
  const dbUrl = e.PINHOLE_DATABASE_URL;
  const database: Config['database'] =
    dbUrl === undefined
      ? { kind: 'sqlite', file: path.join(dataDir, 'pinhole.db') }
      : dbUrl.startsWith('sqlite:')
        ? { kind: 'sqlite', file: path.resolve(dbUrl.slice('sqlite:'.length)) }
        : { kind: 'postgres', url: dbUrl, preparedStatements: e.PINHOLE_DATABASE_PREPARED, ...(e.PINHOLE_DATABASE_SCHEMA ? { schema: e.PINHOLE_DATABASE_SCHEMA } : {}) };
  const baseUrl = (e.PINHOLE_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const mb = (n: number) => Math.round(n * 1_000_000);
  const workers = e.PINHOLE_WORKERS === 'auto' ? availableParallelism() : e.PINHOLE_WORKERS;

  return deepFreeze<Config>({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    baseUrl,
    database,
    logLevel: e.PINHOLE_LOG_LEVEL,
    trustProxy: e.PINHOLE_TRUST_PROXY,
    limits: {
      maxBytes: mb(e.PINHOLE_MAX_UPLOAD_MB),
      maxBytesGuest: mb(e.PINHOLE_MAX_UPLOAD_MB_GUEST ?? e.PINHOLE_MAX_UPLOAD_MB),
      maxPixels: Math.round(e.PINHOLE_MAX_MEGAPIXELS * 1_000_000),
      maxFrames: e.PINHOLE_MAX_FRAMES,
      maxAnimationPixels: Math.round(e.PINHOLE_MAX_ANIMATION_MEGAPIXELS * 1_000_000),
      maxVideoSeconds: e.PINHOLE_MAX_VIDEO_SECONDS,
    },
    urlSources: {
      mode: e.PINHOLE_URL_UPLOADS,
      allowPrivate,
      timeoutMs: e.PINHOLE_URL_TIMEOUT_MS,
      maxRedirects: e.PINHOLE_URL_MAX_REDIRECTS,
    },
    duplicates: e.PINHOLE_DUPLICATES,
    expiration: { minSeconds: e.PINHOLE_EXPIRATION_MIN_SECONDS, maxSeconds: e.PINHOLE_EXPIRATION_MAX_SECONDS },
    flood: {
      enabled: e.PINHOLE_FLOOD_PROTECTION,
      minute: e.PINHOLE_FLOOD_PER_MINUTE,
      hour: e.PINHOLE_FLOOD_PER_HOUR,
      day: e.PINHOLE_FLOOD_PER_DAY,
      week: e.PINHOLE_FLOOD_PER_WEEK,
      month: e.PINHOLE_FLOOD_PER_MONTH,
    },
    moderation: e.PINHOLE_MODERATION,
    guestKey: e.PINHOLE_GUEST_KEY,
    guestUploads: e.PINHOLE_GUEST_UPLOADS,
    signups: e.PINHOLE_SIGNUPS,
    defaultLanguage: e.PINHOLE_DEFAULT_LANGUAGE,
    timeZone: e.PINHOLE_TIMEZONE,
    routes: { image: e.PINHOLE_ROUTE_IMAGE, video: e.PINHOLE_ROUTE_VIDEO },
    seoUrls: e.PINHOLE_SEO_URLS,
    fileNaming: e.PINHOLE_FILE_NAMING,
    idSalt: e.PINHOLE_ID_SALT,
    idPadding: e.PINHOLE_ID_PADDING,
    keepExif: e.PINHOLE_KEEP_EXIF,
    thumbSize: e.PINHOLE_THUMB_SIZE,
    mediumSize: e.PINHOLE_MEDIUM_SIZE,
    loaderMaxBytes: mb(e.PINHOLE_LOADER_MAX_MB),
    ...mediaShare(e.PINHOLE_MEDIA_CONCURRENCY, workers),
    workers,
    delivery: { cacheBytes: mb(e.PINHOLE_MEDIA_CACHE_MB), syncStat: e.PINHOLE_MEDIA_SYNC_STAT, recheckMs: e.PINHOLE_MEDIA_RECHECK_MS },
    adminPassword: e.PINHOLE_ADMIN_PASSWORD,
    keepAliveTimeoutMs: e.PINHOLE_KEEPALIVE_TIMEOUT_MS,
    requestTimeoutMs: e.PINHOLE_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.PINHOLE_HEADERS_TIMEOUT_MS ?? Math.min(30_000, e.PINHOLE_REQUEST_TIMEOUT_MS),
    jobIntervalMs: e.PINHOLE_JOB_INTERVAL_MS,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    storage:
      e.PINHOLE_STORAGE === 's3' && e.PINHOLE_S3_BUCKET !== undefined
        ? {
            kind: 's3',
            endpoint: e.PINHOLE_S3_ENDPOINT,
            region: e.PINHOLE_S3_REGION,
            bucket: e.PINHOLE_S3_BUCKET,
            accessKeyId: e.PINHOLE_S3_ACCESS_KEY_ID,
            secretAccessKey: e.PINHOLE_S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.PINHOLE_S3_FORCE_PATH_STYLE,
            prefix: e.PINHOLE_S3_PREFIX === '' || e.PINHOLE_S3_PREFIX.endsWith('/') ? e.PINHOLE_S3_PREFIX : `${e.PINHOLE_S3_PREFIX}/`,
          }
        : { kind: 'local' },
    mediaBaseUrl: e.PINHOLE_MEDIA_BASE_URL === undefined ? null : e.PINHOLE_MEDIA_BASE_URL.replace(/\/+$/, ''),
    metricsToken: e.PINHOLE_METRICS_TOKEN ?? null,
    redisUrl: e.PINHOLE_REDIS_URL ?? null,
    instanceId: instanceIdOf(e.PINHOLE_INSTANCE_ID),
  });
}

/**
 * The media work of the whole site (PINHOLE_MEDIA_CONCURRENCY, 0 = one job per core) shared out
 * between its server processes, and the cores each one's libvips threads are cut from, so that two
 * workers on two cores run two jobs of one thread each, as one process would, not four threads.
 */
function mediaShare(concurrency: number, workers: number): { mediaConcurrency: number; mediaCores: number } {
  const cores = availableParallelism();
  const jobs = concurrency === 0 ? cores : concurrency;
  return { mediaConcurrency: Math.max(1, Math.ceil(jobs / workers)), mediaCores: Math.max(1, Math.floor(cores / workers)) };
}

/** This process's name; a worker of a named site gets the name with its worker number. */
function instanceIdOf(configured: string | undefined): string {
  const worker = cluster.isWorker && cluster.worker !== undefined ? cluster.worker.id : null;
  if (configured !== undefined) return worker === null ? configured : `${configured.slice(0, 56)}-w${worker}`;
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}`;
}
