import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import { multiLineText, singleLineText } from '../../../domain/text.js';
import type { UploadParams } from '../../../services/upload.service.js';

export type ResponseFormat = 'json' | 'txt' | 'redirect';

/** Raw text parameters as they arrive (query and body merged, body winning). */
export type RawParams = Record<string, string>;

/** The names clients send; everything else is ignored. */
export const API_PARAM_NAMES = [
  'key', 'source', 'image', 'title', 'name', 'description', 'tags', 'album_id', 'category_id',
  'width', 'expiration', 'nsfw', 'format', 'use_file_date',
] as const;

/**
 * Chevereto drops falsy values: "" and "0" mean "not provided" (SPEC-API §1.2). `clean` removes
 * control characters (NUL would fail on PostgreSQL; the rest is invisible junk on a page); text
 * that was nothing but those counts as not provided.
 */
const optionalText = (max: number, label: string, clean: (v: string) => string = (v) => v) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' || v === '0' ? undefined : v))
    .refine((v) => v === undefined || v.length <= max, `${label} must be at most ${max} characters`)
    .transform((v) => {
      const cleaned = v === undefined ? undefined : clean(v);
      return cleaned === undefined || cleaned.trim() === '' ? undefined : cleaned;
    });

const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && /^(1|true|on|yes)$/i.test(v.trim()));

const positiveInt = (label: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' || v.trim() === '0' ? undefined : v.trim()))
    .refine((v) => v === undefined || /^\d{1,9}$/.test(v), `${label} must be a positive integer`)
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .refine((v) => v === undefined || v <= max, `${label} must be at most ${max}`);

const paramsSchema = z.object({
  title: optionalText(10_000, 'title', singleLineText),
  name: optionalText(10_000, 'name', singleLineText),
  description: optionalText(65_535, 'description', multiLineText),
  tags: optionalText(10_000, 'tags', singleLineText),
  album_id: optionalText(64, 'album_id'),
  category_id: positiveInt('category_id', 2_000_000_000),
  width: positiveInt('width', 100_000),
  expiration: optionalText(64, 'expiration'),
  nsfw: flag,
  use_file_date: flag,
});

/** Validates the upload parameters at the edge (zod); the service trusts the result. */
export function parseUploadParams(raw: RawParams): UploadParams {
  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('INVALID_PARAMETER', { message: first ? `Invalid parameter ${first.path.join('.')}: ${first.message}` : 'Invalid parameter' });
  }
  const p = parsed.data;
  return {
    title: p.title ?? p.name,
    description: p.description,
    tags: p.tags,
    albumId: p.album_id,
    categoryId: p.category_id,
    width: p.width,
    expiration: p.expiration,
    nsfw: p.nsfw,
    useFileDate: p.use_file_date,
  };
}

export function parseFormat(value: string | undefined): ResponseFormat {
  return value === 'txt' || value === 'redirect' ? value : 'json';
}

/**
 * A GET `source` URL is taken from the raw query as sent, even unencoded with its own `?` and `&`
 * (SPEC-API A22): everything after `source=` up to the next known API parameter.
 */
export function rawQuerySource(rawUrl: string): string | undefined {
  const q = rawUrl.indexOf('?');
  if (q < 0) return undefined;
  const query = rawUrl.slice(q + 1);
  const match = /(?:^|&)source=/.exec(query);
  if (!match) return undefined;
  let value = query.slice(match.index + match[0].length);
  const known = new RegExp(`&(?:${API_PARAM_NAMES.filter((n) => n !== 'source').join('|')})=`);
  const next = known.exec(value);
  if (next) value = value.slice(0, next.index);
  try {
    // Decoded once; `+` stays `+` (SPEC-API §1.5).
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
