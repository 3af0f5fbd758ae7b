import type { ImageFileKind, ImageRecord } from '../../ports/repositories.js';
import type { UrlBuilder } from '../../services/url-builder.js';

export interface Picture {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

export interface ImageMedia {
  readonly direct: string;
  readonly frame: string | null;
  readonly thumb: string | null;
  readonly medium: string | null;
  /** What the viewer page shows: the medium of a large still image, else the original. */
  readonly shown: Picture;
  /** What link previews show: the medium, else a clip's frame, else the original. */
  readonly preview: Picture;
}

export function imageMedia(image: ImageRecord, urls: UrlBuilder): ImageMedia {
  const file = (kind: ImageFileKind) => image.files.find((f) => f.kind === kind);
  const main = file('image');
  const medium = file('medium');
  const frame = file('frame');
  const thumb = file('thumb');
  const direct = main ? urls.mediaUrl(main.key) : '';
  const original: Picture = { url: direct, width: image.width, height: image.height };
  const picture = (f: typeof main): Picture | null => (f ? { url: urls.mediaUrl(f.key), width: f.width, height: f.height } : null);
  return {
    direct,
    frame: frame ? urls.mediaUrl(frame.key) : null,
    thumb: thumb ? urls.mediaUrl(thumb.key) : null,
    medium: medium ? urls.mediaUrl(medium.key) : null,
    // An animated image's medium is a still, so the viewer keeps the moving original.
    shown: (!image.isAnimated ? picture(medium) : null) ?? original,
    preview: picture(medium) ?? picture(frame) ?? original,
  };
}
