import type { Config } from '../../config/config.js';
import type { SiteValues } from '../../services/site-settings.service.js';
import { parseExpiration } from '../../domain/expiration.js';
import { EXPIRATION_CHOICES } from '../expiration-choices.js';

/** What the API page, the client set-ups and the OpenAPI document say about this site's limits. */
export interface ApiSiteFacts {
  /** Public base without a trailing slash. */
  readonly baseUrl: string;
  readonly uploadUrl: string;
  /** Byte limits for user keys and for the guest key (decimal units, as the API's messages). */
  readonly maxBytes: number;
  readonly maxBytesGuest: number;
  readonly maxMegapixels: number;
  readonly maxVideoSeconds: number;
  readonly maxFrames: number;
  /** Who may send a URL as `source`. */
  readonly urlSources: 'off' | 'admins' | 'everyone';
  readonly expiration: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly duplicates: 'allow' | 'reuse' | 'reject';
  readonly moderation: 'off' | 'all' | 'guest';
  /** True when the site has a guest API key (its value is never shown). */
  readonly guestApi: boolean;
  /** Uploads allowed per IP or key and per window; 0 means no limit for that window. */
  readonly flood: { readonly enabled: boolean; readonly minute: number; readonly hour: number; readonly day: number };
  readonly formats: readonly string[];
}

/** Every format the detector accepts (SPEC-API A6), as users know them by extension. */
export const ACCEPTED_FORMATS: readonly string[] = ['JPG', 'JPEG', 'PNG', 'BMP', 'GIF', 'WEBP', 'AVIF', 'MOV', 'MP4', 'WEBM'];

/** The facts as configured: the environment, overridden by the settings an admin saved. */
export function currentFacts(config: Config, site: SiteValues): ApiSiteFacts {
  const bytes = (mb: number) => Math.round(mb * 1_000_000);
  return {
    baseUrl: config.baseUrl,
    uploadUrl: `${config.baseUrl}/api/1/upload`,
    maxBytes: bytes(site.maxUploadMb),
    maxBytesGuest: bytes(site.maxUploadMbGuest),
    maxMegapixels: config.limits.maxPixels / 1_000_000,
    maxVideoSeconds: config.limits.maxVideoSeconds,
    maxFrames: config.limits.maxFrames,
    urlSources: site.urlUploads,
    expiration: config.expiration,
    duplicates: site.duplicates,
    moderation: site.moderation,
    guestApi: site.guestKey !== '',
    flood: { enabled: site.floodProtection, minute: site.floodPerMinute, hour: site.floodPerHour, day: site.floodPerDay },
    formats: ACCEPTED_FORMATS,
  };
}

/** The uploader's auto-delete choices that fall inside the site's bounds. */
export function expirationChoices(facts: ApiSiteFacts): readonly string[] {
  const unbounded = { minSeconds: 0, maxSeconds: Number.MAX_SAFE_INTEGER };
  return EXPIRATION_CHOICES.filter((c) => {
    const { seconds } = parseExpiration(c, unbounded);
    return seconds >= facts.expiration.minSeconds && seconds <= facts.expiration.maxSeconds;
  });
}

/** `5 MB`, `500 KB`: decimal, as the API's own "File too big - max 5 MB". */
export function megabytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${Number((bytes / 1_000_000).toFixed(2))} MB`;
  return `${Number((bytes / 1000).toFixed(1))} KB`;
}

/** A duration in the largest whole unit: 300 → `5 min`, 31536000 → `365 d`. */
export function humanSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
