import { chainOf } from '../domain/chain.js';
import {
  durationTime,
  escapeHtml,
  escapeHtmlStrict,
  formatDateTime,
  howLongAgo,
  likesLabel,
  sizeFormatted,
  titleTruncated,
  viewsLabel,
} from '../domain/format.js';
import { tagUrlKey } from '../domain/tags.js';
import type { ImageFile, ImageFileKind, ImageRecord } from '../ports/repositories.js';
import type { UrlBuilder } from './url-builder.js';

export type Locale = 'en' | 'zh-CN';

export interface PresenterOptions {
  readonly urls: UrlBuilder;
  readonly timeZone: string;
  /** `is_use_loader` threshold in bytes; 0 disables it. */
  readonly loaderMaxBytes: number;
}

export interface PresentContext {
  readonly now: Date;
  readonly locale: Locale;
  /** Plaintext delete secret: present only in the answer to the upload itself. */
  readonly deleteSecret: string | null;
  /** EXIF of this upload as a JSON string, for the uploader only. */
  readonly exifJson: string | null;
}

interface FileObject {
  filename: string;
  name: string;
  mime: string;
  extension: string;
  url: string;
  size: number;
}

const PLACEHOLDER = { filename: null, name: null, mime: null, extension: null, url: null } as const;

/** Chain order of the sub-objects (SPEC-API §2 field order). */
const CHAIN_ORDER: readonly ImageFileKind[] = ['frame', 'image', 'medium', 'thumb'];

/**
 * Maps a stored image to Chevereto's `image` object (SPEC-API §2): every field of the seed's example,
 * same names, types and order.
 */
export class ImagePresenter {
  constructor(private readonly options: PresenterOptions) {}

  present(image: ImageRecord, ctx: PresentContext): Record<string, unknown> {
    const { urls, timeZone } = this.options;
    const files = new Map<ImageFileKind, ImageFile>(image.files.map((f) => [f.kind, f]));
    const fileObject = (f: ImageFile): FileObject => ({
      filename: `${f.name}.${f.extension}`,
      name: f.name,
      mime: f.mime,
      extension: f.extension,
      url: urls.mediaUrl(f.key),
      size: f.size,
    });
    const main = files.get('image');
    const frame = files.get('frame');
    const medium = files.get('medium');
    const thumb = files.get('thumb');
    const url = main ? urls.mediaUrl(main.key) : '';
    const ratio = image.height > 0 ? image.width / image.height : 0;
    const dateGmt = formatDateTime(image.date, 'UTC');
    const tags = image.tags.map((name) => {
      const urlKey = tagUrlKey(name);
      return { name, name_safe_html: escapeHtmlStrict(name), url_key: urlKey, url: urls.tagUrl(urlKey) };
    });
    const displayTitle = image.title ?? `${image.name}.${image.extension}`;
    const title = image.title;
    const truncated = titleTruncated(displayTitle);

    // display_* (SPEC-API §2.6)
    let display = { url: frame ? urls.mediaUrl(frame.key) : url, width: image.width, height: image.height, size: frame?.size ?? image.size };
    if (medium) {
      display = { url: urls.mediaUrl(medium.key), width: medium.width, height: medium.height, size: medium.size };
    } else if (thumb && image.size > 200_000 && image.kind === 'image') {
      display = { url: urls.mediaUrl(thumb.key), width: thumb.width, height: thumb.height, size: thumb.size };
    }
    if (frame && frame.size < display.size) {
      display = { url: urls.mediaUrl(frame.key), width: image.width, height: image.height, size: frame.size };
    }

    const out: Record<string, unknown> = {
      name: image.name,
      extension: image.extension,
      size: image.size,
      width: image.width,
      height: image.height,
      date: formatDateTime(image.date, timeZone),
      date_gmt: dateGmt,
      title,
      tags,
      description: image.description,
      nsfw: image.nsfw ? 1 : 0,
      storage_mode: image.storageMode,
      md5: image.md5,
      source_md5: image.sourceMd5,
      original_filename: image.originalFilename,
      original_exifdata: ctx.exifJson,
      views: image.views,
      category_id: image.categoryId,
      chain: chainOf({ frame: !!frame, image: !!main, medium: !!medium, thumb: !!thumb }),
      thumb_size: image.thumbSize,
      medium_size: image.mediumSize,
      frame_size: image.frameSize,
      expiration_date_gmt: image.expiresAt ? formatDateTime(image.expiresAt, 'UTC') : null,
      likes: image.likes,
      is_animated: image.isAnimated ? 1 : 0,
      is_approved: image.isApproved ? 1 : 0,
      is_360: image.is360 ? 1 : 0,
      duration: Math.trunc(image.duration),
      type: image.kind,
      tags_string: image.tags.join(', '),
      file: { resource: { type: 'url' } },
      id_encoded: urls.encodeId(image.id),
      filename: `${image.name}.${image.extension}`,
      mime: image.mime,
      url,
      ratio,
      size_formatted: sizeFormatted(image.size),
    };
    for (const kind of CHAIN_ORDER) {
      const f = files.get(kind);
      if (f) out[kind] = fileObject(f);
    }
    out.url_frame = frame ? urls.mediaUrl(frame.key) : '';
    if (!medium) out.medium = { ...PLACEHOLDER };
    if (!thumb) out.thumb = { ...PLACEHOLDER };
    Object.assign(out, {
      duration_time: durationTime(image.duration),
      url_viewer: urls.viewerUrl(image),
      path_viewer: urls.viewerPath(image),
      url_short: urls.shortUrl(image),
      display_url: display.url,
      display_width: display.width,
      display_height: display.height,
      views_label: viewsLabel(image.views, ctx.locale),
      likes_label: likesLabel(image.likes, ctx.locale),
      how_long_ago: howLongAgo(image.uploadedAt, ctx.now, ctx.locale),
      date_fixed_peer: dateGmt,
      title_truncated: truncated,
      title_truncated_html: escapeHtml(truncated),
      is_use_loader: this.options.loaderMaxBytes > 0 && image.size > this.options.loaderMaxBytes,
      display_title: displayTitle,
    });
    if (ctx.deleteSecret) out.delete_url = urls.deleteUrl(image, ctx.deleteSecret);

    if (!image.isApproved) {
      // Unapproved uploads must not be shareable before a moderator looks at them (SPEC-API §2.1).
      delete out.url;
      delete out.display_url;
      for (const kind of ['image', 'thumb', 'medium'] as const) {
        const sub = out[kind];
        if (sub && typeof sub === 'object') delete (sub as Record<string, unknown>).url;
      }
    }
    return out;
  }
}
