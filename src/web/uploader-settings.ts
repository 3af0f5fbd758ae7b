import { formatMegabytes } from '../lib/spool.js';
import type { PublicIdCodec } from '../domain/public-id.js';
import type { Database, User } from '../ports/repositories.js';
import { EXPIRATION_CHOICES, expirationLabel } from './expiration-choices.js';
import { messagesFor, type Language, type Translate } from './i18n/index.js';
import type { UploaderConfig } from './client/uploader-types.js';

/** The formats the uploader offers (SPEC-API §4.1), shown in this order. */
export const UPLOADER_FORMATS = ['JPG', 'JPEG', 'PNG', 'BMP', 'GIF', 'WEBP', 'MOV', 'MP4', 'WEBM'] as const;
const MIME_TYPES = ['image/jpeg', 'image/png', 'image/bmp', 'image/x-ms-bmp', 'image/gif', 'image/webp', 'video/quicktime', 'video/mp4', 'video/webm'] as const;
/** Chevereto's `upload_threads` default. */
const THREADS = 2;
/** Shared strings the browser code needs besides its own. */
const COMMON_KEYS = new Set(['common.copy', 'common.copied']);

export interface UploaderSettingsInput {
  readonly db: Database;
  readonly ids: PublicIdCodec;
  readonly lang: Language;
  readonly t: Translate;
  readonly user: User | null;
  readonly hasSession: boolean;
  readonly maxBytes: number;
  readonly urlSources: 'off' | 'admins' | 'everyone';
  readonly signups: boolean;
  /** `?toAlbum=` of the page, if any. */
  readonly toAlbum?: string | undefined;
}

/** Who may open the uploader: users, and guests when guest uploads are on. */
export function mayUpload(user: User | null, guestUploads: boolean): boolean {
  return user !== null || guestUploads;
}

export function maxSizeLabel(maxBytes: number): string {
  return `${formatMegabytes(maxBytes)} MB`;
}

/** The uploader's settings for this visitor, in the page language. */
export async function uploaderSettings(input: UploaderSettingsInput): Promise<UploaderConfig> {
  const { user, t } = input;
  const albums = user ? await input.db.albums.listByUser(user.id) : [];
  const albumIds = albums.map((a) => input.ids.encode(a.id));
  const table = messagesFor(input.lang);
  const messages: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) {
    if (key.startsWith('upload.') || COMMON_KEYS.has(key)) messages[key] = value;
  }
  const expirations = [{ value: '', label: t('expiration.never') }, ...EXPIRATION_CHOICES.map((c) => ({ value: c, label: expirationLabel(t, c) }))];
  const defaultExpiration = user?.defaultExpiration ?? '';
  // A preference set through the API or an older version may not be one of the offered choices.
  if (defaultExpiration !== '' && !expirations.some((x) => x.value === defaultExpiration)) {
    expirations.push({ value: defaultExpiration, label: defaultExpiration });
  }
  return {
    endpoint: '/json/upload',
    albumsEndpoint: '/json/albums',
    formats: [...UPLOADER_FORMATS],
    extensions: UPLOADER_FORMATS.map((f) => f.toLowerCase()),
    mimeTypes: [...MIME_TYPES],
    maxBytes: input.maxBytes,
    maxLabel: maxSizeLabel(input.maxBytes),
    guest: user === null,
    sessionPending: user === null && !input.hasSession,
    urlUploads: input.urlSources === 'everyone' || (input.urlSources === 'admins' && user?.isAdmin === true),
    threads: THREADS,
    albums: albums.map((a, i) => ({ id: albumIds[i] ?? '', name: a.name })),
    expirations,
    defaultExpiration,
    preselectedAlbum: albumIds.includes(input.toAlbum ?? '') ? (input.toAlbum ?? '') : '',
    canCreateAlbum: user !== null,
    signups: input.signups,
    profileUrl: user ? `/user/${encodeURIComponent(user.username)}` : null,
    lang: input.lang,
    messages,
  };
}
