import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Clock } from '../ports/clock.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { MediaLimits, MediaPipeline, ProcessedMedia, ProducedFile } from '../ports/media.js';
import type { Database, ImageFile, ImageFileKind, ImageRecord, NewImage } from '../ports/repositories.js';
import type { PublicIdCodec } from '../domain/public-id.js';
import { computeExpirationDate, ExpirationError, parseExpiration } from '../domain/expiration.js';
import { cleanBaseName, mixedName, randomName, titleFromFileName, truncateTitle } from '../domain/file-naming.js';
import { parseTags } from '../domain/tags.js';
import { cleanClientFileName } from '../domain/text.js';
import { chainOf } from '../domain/chain.js';
import { datePath } from '../domain/format.js';
import { keyedHash, randomHex } from '../lib/secrets.js';
import { removeQuietly } from '../lib/spool.js';
import type { Principal } from './account.service.js';

/** A received upload, already spooled to a temp file that the caller owns. */
export interface SpooledSource {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** Client file name, URL basename, or null for base64 (a name is made up from the detected type). */
  readonly originalFilename: string | null;
}

/** Upload parameters after edge validation; every field is optional as in the API. */
export interface UploadParams {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: string | undefined;
  /** Encoded album id as clients send it. */
  readonly albumId?: string | undefined;
  readonly categoryId?: number | undefined;
  readonly width?: number | undefined;
  /** Null means "never", even when the user has a default auto-delete (the web uploader's choice). */
  readonly expiration?: string | null | undefined;
  readonly nsfw: boolean;
  readonly useFileDate: boolean;
}

export interface UploadResult {
  readonly image: ImageRecord;
  /** Plaintext delete secret; only this answer carries it. */
  readonly deleteSecret: string;
  /** EXIF of the upload as a JSON string, for the uploader only. */
  readonly exifJson: string | null;
  /** True when an existing image was returned (duplicates = reuse). */
  readonly reused: boolean;
}

export interface UploadServiceOptions {
  readonly limits: MediaLimits & { readonly maxBytes: number; readonly maxBytesGuest: number };
  readonly duplicates: 'allow' | 'reuse' | 'reject';
  readonly expiration: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly flood: { readonly enabled: boolean; readonly minute: number; readonly hour: number; readonly day: number; readonly week: number; readonly month: number };
  readonly moderation: 'off' | 'all' | 'guest';
  readonly timeZone: string;
  readonly fileNaming: 'original' | 'random' | 'mixed';
  readonly keepExif: boolean;
  readonly thumbSize: number;
  readonly mediumSize: number;
}

export interface UploadServiceDeps {
  readonly db: Database;
  readonly store: BlobStore;
  readonly media: MediaPipeline;
  readonly clock: Clock;
  readonly ids: PublicIdCodec;
  readonly pepper: string;
  readonly options: UploadServiceOptions;
}

const FLOOD_WINDOWS = [
  ['minute', 60],
  ['hour', 3600],
  ['day', 86_400],
  ['week', 604_800],
  ['month', 2_592_000],
] as const;

const random = (n: number) => randomBytes(n);

/** The upload use case (DESIGN §3): checks, processing, storage first, then one transaction. */
export class UploadService {
  constructor(private readonly deps: UploadServiceDeps) {}

  /** Byte limit for this principal (guests may have a smaller one). */
  maxBytesFor(principal: Principal): number {
    const { limits } = this.deps.options;
    return principal.kind === 'guest' ? limits.maxBytesGuest : limits.maxBytes;
  }

  /** The largest byte limit of any principal (used while the key is not known yet). */
  maxBytesAny(): number {
    const { limits } = this.deps.options;
    return Math.max(limits.maxBytes, limits.maxBytesGuest);
  }

  /** Flood limits per IP and per key (SPEC-API A17, §3.11); throws FLOOD with Retry-After. */
  async checkFlood(principal: Principal, ip: string): Promise<void> {
    const { flood } = this.deps.options;
    if (!flood.enabled) return;
    const now = this.deps.clock.now().getTime();
    const filters: Array<{ uploaderIp: string } | { apiKeyId: number }> = [{ uploaderIp: ip }];
    if (principal.kind === 'user' && principal.apiKeyId !== null) filters.push({ apiKeyId: principal.apiKeyId });
    for (const [window, seconds] of FLOOD_WINDOWS) {
      const limit = flood[window];
      if (limit <= 0) continue;
      for (const filter of filters) {
        const count = await this.deps.db.images.countUploadsSince(filter, new Date(now - seconds * 1000));
        if (count >= limit) {
          throw new AppError('FLOOD', {
            message: `Flooding detected. You can only upload ${limit} ${limit === 1 ? 'image' : 'images'} per ${window}`,
            retryAfter: Math.min(seconds, 3600),
          });
        }
      }
    }
  }

  async upload(input: { principal: Principal; source: SpooledSource; params: UploadParams; ip: string }): Promise<UploadResult> {
    const { principal, source, params, ip } = input;
    const { db, clock, options } = this.deps;
    const user = principal.kind === 'user' ? principal.user : null;

    if (params.useFileDate && !user?.isAdmin) {
      throw new AppError('ADMIN_ONLY', { message: 'use_file_date is only available to admin keys' });
    }
    const now = clock.now();
    const expiresAt = params.expiration === null ? null : this.resolveExpiration(params.expiration ?? user?.defaultExpiration ?? undefined, now);
    const albumId = await this.resolveAlbum(params.albumId, user?.id ?? null);
    const categoryId = await this.resolveCategory(params.categoryId);

    if (options.duplicates !== 'allow') {
      const existing = await db.images.findReusable(user?.id ?? null, source.sha256);
      if (existing) {
        if (options.duplicates === 'reject') throw new AppError('DUPLICATE');
        const deleteSecret = randomHex(24);
        await db.images.setDeleteSecretHash(existing.id, keyedHash(this.deps.pepper, deleteSecret));
        return { image: existing, deleteSecret, exifJson: null, reused: true };
      }
    }

    const detected = await this.deps.media.detect(source.path);
    if (!detected) throw new AppError('UNSUPPORTED_TYPE');
    const keepExif = user?.keepExif ?? options.keepExif;
    // Client names are kept for display and titles; nothing invisible (NUL, controls, bidi overrides) stays.
    const clientName = source.originalFilename === null ? '' : cleanClientFileName(source.originalFilename);
    const originalFilename = clientName !== '' ? clientName : `${randomHex(6)}.${detected.format === 'mov' ? 'mov' : detected.format}`;
    const processed = await this.deps.media.process({
      inputPath: source.path,
      workDir: this.deps.store.tempDir(),
      limits: options.limits,
      targetWidth: params.width,
      keepMetadata: keepExif,
      thumbSize: options.thumbSize,
      mediumSize: options.mediumSize,
      preferJpgExtension: /\.jpe?g$/i.test(originalFilename) && /\.jpg$/i.test(originalFilename),
      detected,
    });
    const stored: string[] = [];
    try {
      const date = params.useFileDate && processed.exifDate ? processed.exifDate : now;
      const folder = datePath(date, options.timeZone);
      const files = await this.storeFiles(processed, folder, originalFilename, stored);
      const title = params.title
        ? truncateTitle(params.title)
        : ((keepExif ? processed.exifTitle : null) ?? titleFromFileName(originalFilename));
      const description = params.description ?? (keepExif ? processed.exifDescription : null) ?? null;
      const exifJson = processed.exif ? JSON.stringify(processed.exif) : null;
      const main = files.find((f) => f.kind === 'image');
      const sizeOf = (kind: ImageFileKind) => files.find((f) => f.kind === kind)?.size ?? 0;
      if (!main) throw new Error('main file missing after store');
      const approved = options.moderation === 'off' || (options.moderation === 'guest' ? user !== null : user?.isAdmin === true);
      const record: NewImage = {
        userId: user?.id ?? null,
        apiKeyId: principal.kind === 'user' ? principal.apiKeyId : null,
        albumId,
        categoryId,
        kind: processed.kind,
        name: main.name,
        extension: main.extension,
        mime: main.mime,
        storageMode: 'datefolder',
        datePath: folder,
        originalFilename,
        title,
        description,
        size: main.size,
        width: processed.main.width,
        height: processed.main.height,
        md5: processed.main.md5,
        sourceMd5: processed.sourceMd5,
        sha256: source.sha256,
        chain: chainOf({ frame: !!processed.frame, image: true, medium: !!processed.medium, thumb: true }),
        thumbSize: sizeOf('thumb'),
        mediumSize: sizeOf('medium'),
        frameSize: sizeOf('frame'),
        isAnimated: processed.isAnimated,
        isApproved: approved,
        is360: processed.is360,
        nsfw: params.nsfw,
        duration: processed.duration,
        date,
        uploadedAt: now,
        expiresAt,
        originalExif: keepExif ? exifJson : null,
        uploaderIp: ip,
        // Tags belong to accounts; guest uploads carry none (SPEC-API §1.2).
        tags: user && params.tags ? parseTags(params.tags) : [],
        files,
      };
      const deleteSecret = randomHex(24);
      const id = await db.transaction((repos) => repos.images.insert(record, keyedHash(this.deps.pepper, deleteSecret)));
      const image = await db.images.findById(id);
      if (!image) throw new Error(`image ${id} vanished after insert`);
      return { image, deleteSecret, exifJson, reused: false };
    } catch (error) {
      // Storage before database, with compensation (DESIGN §3.5).
      await Promise.all(stored.map((key) => this.deps.store.delete(key).catch(() => undefined)));
      throw error;
    } finally {
      // The files are stored all or none, and stored ones took their temp files with them.
      if (stored.length === 0) await Promise.all(producedFiles(processed).map((f) => removeQuietly(f.path)));
    }
  }

  private resolveExpiration(value: string | undefined, now: Date): Date | null {
    if (value === undefined || value === '') return null;
    try {
      const { seconds } = parseExpiration(value, this.deps.options.expiration);
      return computeExpirationDate(now, seconds);
    } catch (error) {
      if (error instanceof ExpirationError) {
        throw new AppError('INVALID_EXPIRATION', { message: `Invalid expiration "${value.slice(0, 40)}": use seconds or an ISO-8601 duration such as PT5M or P3D` });
      }
      throw error;
    }
  }

  private async resolveAlbum(encoded: string | undefined, userId: number | null): Promise<number | null> {
    if (encoded === undefined || encoded === '') return null;
    const id = this.deps.ids.decode(encoded);
    const album = id === null || userId === null ? null : await this.deps.db.albums.findById(id);
    // Another user's album is reported exactly like a missing one (SPEC-API A7).
    if (!album || album.userId !== userId) throw new AppError('ALBUM_NOT_FOUND');
    return album.id;
  }

  private async resolveCategory(id: number | undefined): Promise<number | null> {
    if (id === undefined) return null;
    const category = await this.deps.db.categories.findById(id);
    if (!category) throw new AppError('INVALID_PARAMETER', { message: 'Category not found' });
    return category.id;
  }

  /** Picks free names in the date folder and moves every produced file into the store. */
  private async storeFiles(processed: ProcessedMedia, folder: string, originalFilename: string, stored: string[]): Promise<ImageFile[]> {
    const { store, options } = this.deps;
    const base = cleanBaseName(originalFilename);
    const parts: Array<[ImageFileKind, ProducedFile, string]> = [['image', processed.main, '']];
    if (processed.frame) parts.push(['frame', processed.frame, '.fr']);
    if (processed.medium) parts.push(['medium', processed.medium, '.md']);
    parts.push(['thumb', processed.thumb, '.th']);

    for (let attempt = 0; attempt < 5; attempt++) {
      const name =
        options.fileNaming === 'random' || base === ''
          ? randomName(random)
          : options.fileNaming === 'mixed' || attempt > 0
            ? mixedName(base, random)
            : base;
      const planned = parts.map(([kind, file, suffix]) => ({ kind, file, name: `${name}${suffix}`, key: `${folder}/${name}${suffix}.${file.extension}` }));
      // A name whose files are gone can still be held by the rows of an upload being deleted (on
      // another instance, say); taking it would fail the insert on the unique key. A name whose files
      // exist is refused by putFiles itself (EEXIST), so the store is not asked beforehand.
      if ((await this.deps.db.images.fileKeysInUse(planned.map((p) => p.key))).length > 0) continue;
      try {
        await store.putFiles(planned.map((p) => ({ key: p.key, tempPath: p.file.path })));
      } catch (error) {
        // Lost a race for this name: nothing was kept, every temp file is still there; try a mixed name.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      stored.push(...planned.map((p) => p.key));
      return planned.map((p) => ({
        kind: p.kind,
        key: p.key,
        name: p.name,
        extension: p.file.extension,
        mime: p.file.mime,
        size: p.file.size,
        width: p.file.width,
        height: p.file.height,
      }));
    }
    throw new AppError('INTERNAL', { message: 'Could not find a free file name' });
  }
}

function producedFiles(processed: ProcessedMedia): ProducedFile[] {
  return [processed.main, processed.thumb, processed.medium, processed.frame].filter((f): f is ProducedFile => f !== null);
}
