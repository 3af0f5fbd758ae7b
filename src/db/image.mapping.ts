import { sql, type Insertable, type Selectable } from 'kysely';
import type { ImageFile, ImageFileKind, ImageRecord, NewImage } from '../ports/repositories.js';
import type { ImageFilesTable, ImagesTable } from './schema.js';
import { narrow, toDateOrNull, toFlag, toMs, toMsOrNull } from './row-mapping.js';

/**
 * `images.status` values as SQL literals, for comparisons: never as bound parameters. SQLite
 * matches a bound `status = ?` against the partial index `images_deleting` (status = 'deleting')
 * by the value bound at the time, so it prepares the statement anew every time a value is bound,
 * which cost a viewer page's album neighbours six times what running them does. A literal is
 * planned once, and lets any planner match that partial index at all.
 */
export const ACTIVE = sql.lit('active');
export const DELETING = sql.lit('deleting');

/** The order files are listed in; the table itself has no order column. */
export const FILE_KINDS: readonly ImageFileKind[] = ['image', 'thumb', 'medium', 'frame'];

export function imageRow(image: NewImage): Insertable<ImagesTable> {
  return {
    user_id: image.userId,
    api_key_id: image.apiKeyId,
    album_id: image.albumId,
    category_id: image.categoryId,
    kind: image.kind,
    name: image.name,
    extension: image.extension,
    mime: image.mime,
    storage_mode: image.storageMode,
    date_path: image.datePath,
    original_filename: image.originalFilename,
    title: image.title,
    description: image.description,
    size: image.size,
    width: image.width,
    height: image.height,
    md5: image.md5,
    source_md5: image.sourceMd5,
    sha256: image.sha256,
    chain: image.chain,
    thumb_size: image.thumbSize,
    medium_size: image.mediumSize,
    frame_size: image.frameSize,
    is_animated: toFlag(image.isAnimated),
    is_approved: toFlag(image.isApproved),
    is_360: toFlag(image.is360),
    nsfw: toFlag(image.nsfw),
    duration: image.duration,
    date_ms: toMs(image.date),
    uploaded_at: toMs(image.uploadedAt),
    expires_at: toMsOrNull(image.expiresAt),
    original_exif: image.originalExif,
    uploader_ip: image.uploaderIp,
  };
}

export function fileRow(imageId: number, file: ImageFile): Insertable<ImageFilesTable> {
  return {
    image_id: imageId,
    kind: file.kind,
    key: file.key,
    name: file.name,
    extension: file.extension,
    mime: file.mime,
    size: file.size,
    width: file.width,
    height: file.height,
  };
}

export function toImageFile(row: Selectable<ImageFilesTable>): ImageFile {
  return {
    kind: narrow(row.kind, FILE_KINDS, 'image_files.kind'),
    key: row.key,
    name: row.name,
    extension: row.extension,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
  };
}

export function toImageRecord(row: Selectable<ImagesTable>, tags: readonly string[], files: readonly ImageFile[]): ImageRecord {
  return {
    id: row.id,
    userId: row.user_id,
    apiKeyId: row.api_key_id,
    albumId: row.album_id,
    categoryId: row.category_id,
    kind: narrow(row.kind, ['image', 'video'], 'images.kind'),
    name: row.name,
    extension: row.extension,
    mime: row.mime,
    storageMode: narrow(row.storage_mode, ['datefolder'], 'images.storage_mode'),
    datePath: row.date_path,
    originalFilename: row.original_filename,
    title: row.title,
    description: row.description,
    size: row.size,
    width: row.width,
    height: row.height,
    md5: row.md5,
    sourceMd5: row.source_md5,
    sha256: row.sha256,
    chain: row.chain,
    thumbSize: row.thumb_size,
    mediumSize: row.medium_size,
    frameSize: row.frame_size,
    isAnimated: row.is_animated !== 0,
    isApproved: row.is_approved !== 0,
    is360: row.is_360 !== 0,
    nsfw: row.nsfw !== 0,
    duration: row.duration,
    date: new Date(row.date_ms),
    uploadedAt: new Date(row.uploaded_at),
    expiresAt: toDateOrNull(row.expires_at),
    views: row.views,
    likes: row.likes,
    originalExif: row.original_exif,
    uploaderIp: row.uploader_ip,
    status: narrow(row.status, ['active', 'deleting'], 'images.status'),
    tags,
    files,
  };
}
