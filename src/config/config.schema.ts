import { z } from 'zod';
import { isTimeZone } from '../domain/format.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const routeName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes, starting with a letter');

/**
 * Every environment variable Pinhole reads, with its default. docs/config.md documents each one;
 * a test keeps the two in step.
 */
export const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PINHOLE_DATA_DIR: z.string().min(1).default('./data'),
  PINHOLE_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PINHOLE_DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  PINHOLE_DATABASE_PREPARED: bool.default(true),
  PINHOLE_DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _').optional(),
  PINHOLE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PINHOLE_TRUST_PROXY: bool.default(false),
  PINHOLE_MAX_UPLOAD_MB: num(0.001, 100_000).default(5),
  PINHOLE_MAX_UPLOAD_MB_GUEST: num(0.001, 100_000).optional(),
  PINHOLE_MAX_MEGAPIXELS: num(0.01, 1000).default(50),
  PINHOLE_MAX_FRAMES: int(1, 100_000).default(1000),
  PINHOLE_MAX_ANIMATION_MEGAPIXELS: num(0.01, 100_000).default(500),
  PINHOLE_MAX_VIDEO_SECONDS: num(1, 86_400).default(900),
  PINHOLE_URL_UPLOADS: z.enum(['off', 'admins', 'everyone']).default('everyone'),
  PINHOLE_URL_ALLOW_PRIVATE: z.string().default(''),
  PINHOLE_URL_TIMEOUT_MS: int(100, 600_000).default(30_000),
  PINHOLE_URL_MAX_REDIRECTS: int(0, 20).default(5),
  PINHOLE_DUPLICATES: z.enum(['allow', 'reuse', 'reject']).default('allow'),
  PINHOLE_EXPIRATION_MIN_SECONDS: int(1, 10 * 365 * 86_400).default(300),
  PINHOLE_EXPIRATION_MAX_SECONDS: int(1, 100 * 365 * 86_400).default(31_536_000),
  PINHOLE_FLOOD_PROTECTION: bool.default(true),
  PINHOLE_FLOOD_PER_MINUTE: int(0, 1_000_000).default(50),
  PINHOLE_FLOOD_PER_HOUR: int(0, 1_000_000).default(500),
  PINHOLE_FLOOD_PER_DAY: int(0, 1_000_000).default(1000),
  PINHOLE_FLOOD_PER_WEEK: int(0, 10_000_000).default(5000),
  PINHOLE_FLOOD_PER_MONTH: int(0, 10_000_000).default(10_000),
  PINHOLE_MODERATION: z.enum(['off', 'all', 'guest']).default('off'),
  PINHOLE_GUEST_KEY: z.string().default(''),
  PINHOLE_GUEST_UPLOADS: bool.default(true),
  PINHOLE_SIGNUPS: bool.default(true),
  PINHOLE_DEFAULT_LANGUAGE: z.enum(['en', 'zh-CN']).default('en'),
  PINHOLE_TIMEZONE: z.string().refine(isTimeZone, 'not a known IANA time zone').default('UTC'),
  PINHOLE_ROUTE_IMAGE: routeName.default('image'),
  PINHOLE_ROUTE_VIDEO: routeName.default('clip'),
  PINHOLE_SEO_URLS: bool.default(true),
  PINHOLE_FILE_NAMING: z.enum(['original', 'random', 'mixed']).default('original'),
  PINHOLE_ID_SALT: z.string().min(1).optional(),
  PINHOLE_ID_PADDING: int(0, 1_000_000).default(999),
  PINHOLE_KEEP_EXIF: bool.default(false),
  PINHOLE_THUMB_SIZE: int(16, 2000).default(320),
  PINHOLE_MEDIUM_SIZE: int(16, 4000).default(500),
  PINHOLE_LOADER_MAX_MB: num(0, 100_000).default(5),
  PINHOLE_MEDIA_CONCURRENCY: int(0, 256).default(0),
  PINHOLE_WORKERS: z.union([z.literal('auto'), int(1, 64)]).default(1),
  PINHOLE_MEDIA_CACHE_MB: num(0, 100_000).default(32),
  PINHOLE_MEDIA_SYNC_STAT: bool.default(true),
  PINHOLE_MEDIA_RECHECK_MS: int(0, 60_000).default(1000),
  PINHOLE_ADMIN_PASSWORD: z.string().min(8).optional(),
  PINHOLE_KEEPALIVE_TIMEOUT_MS: int(100, 60_000).default(5000),
  PINHOLE_REQUEST_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
  PINHOLE_HEADERS_TIMEOUT_MS: int(100, 3_600_000).optional(),
  PINHOLE_JOB_INTERVAL_MS: int(100, 3_600_000).default(15_000),
  PINHOLE_STORAGE: z.enum(['local', 's3']).default('local'),
  PINHOLE_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  PINHOLE_S3_REGION: z.string().min(1).default('us-east-1'),
  PINHOLE_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').optional(),
  PINHOLE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PINHOLE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  PINHOLE_S3_FORCE_PATH_STYLE: bool.default(false),
  PINHOLE_S3_PREFIX: z.string().regex(/^[A-Za-z0-9._\/-]*$/, 'letters, digits, ., _, - and /').default(''),
  PINHOLE_MEDIA_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PINHOLE_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  PINHOLE_REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must start with redis:// or rediss://').optional(),
  PINHOLE_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ., _ and -').optional(),
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;
