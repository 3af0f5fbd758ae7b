import { durationTime, escapeHtmlStrict as e } from '../../domain/format.js';
import type { PublicIdCodec } from '../../domain/public-id.js';
import type { AlbumWithCover, ListedImage, ListingPage } from '../../ports/gallery.js';
import type { Album, AlbumPrivacy } from '../../ports/repositories.js';
import type { UrlBuilder } from '../../services/url-builder.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { GalleryPaths } from './paths.js';

/** What the shared pieces of gallery pages need. */
export interface GridContext {
  readonly t: Translate;
  readonly urls: UrlBuilder;
  readonly ids: PublicIdCodec;
  readonly paths: GalleryPaths;
}

export function displayTitle(item: { readonly title: string | null; readonly name: string; readonly extension: string }): string {
  return item.title ?? `${item.name}.${item.extension}`;
}

/** "1 item" / "N items" (Chinese has one form; the table gives both keys the same shape). */
export function itemCount(t: Translate, count: number): string {
  return count === 1 ? t('albums.countOne') : t('albums.count', { count });
}

/** Short names for badges; the album form uses the longer explanations of PRIVACY_LABELS. */
export const PRIVACY_BADGES: Readonly<Record<AlbumPrivacy, MessageKey>> = {
  public: 'albums.short.public',
  private: 'albums.short.private',
  private_but_link: 'albums.short.private_but_link',
  password: 'albums.short.password',
};

export const PRIVACY_LABELS: Readonly<Record<AlbumPrivacy, MessageKey>> = {
  public: 'albums.privacy.public',
  private: 'albums.privacy.private',
  private_but_link: 'albums.privacy.private_but_link',
  password: 'albums.privacy.password',
};

/** One tile: the thumbnail (never the original), the title, a clip's length, and a checkbox when selectable. */
function tile(item: ListedImage, g: GridContext, selectable: boolean): string {
  const title = displayTitle(item);
  const href = g.urls.viewerPath(item);
  const picture = item.thumb
    ? `<img src="${e(g.urls.mediaUrl(item.thumb.key))}" alt="${e(title)}" loading="lazy" width="${item.thumb.width}" height="${item.thumb.height}">`
    : `<span class="nothumb">${e(title)}</span>`;
  const badges = [
    item.kind === 'video' ? `<span class="badge">${e(g.t('viewer.clip'))} ${e(durationTime(item.duration))}</span>` : '',
    item.nsfw ? `<span class="badge nsfw">${e(g.t('viewer.nsfw'))}</span>` : '',
  ].join('');
  const pick = selectable
    ? `<label class="pick"><input type="checkbox" name="ids" value="${e(g.ids.encode(item.id))}"><span class="skip-text">${e(g.t('listing.select', { title }))}</span></label>`
    : '';
  return `<li class="tile${item.nsfw ? ' is-nsfw' : ''}"><a href="${e(href)}">${picture}</a>${badges}<span class="caption">${e(title)}</span>${pick}</li>`;
}

export function imageGrid(items: readonly ListedImage[], g: GridContext, options: { readonly selectable?: boolean; readonly empty: MessageKey }): string {
  if (items.length === 0) return `<p class="meta empty">${e(g.t(options.empty))}</p>`;
  return `<ul class="grid gallery-grid">${items.map((item) => tile(item, g, options.selectable ?? false)).join('')}</ul>`;
}

export function albumCards(albums: readonly AlbumWithCover[], g: GridContext, options: { readonly showPrivacy: boolean }): string {
  if (albums.length === 0) return `<p class="meta empty">${e(g.t('listing.noAlbums'))}</p>`;
  const cards = albums.map((album) => {
    const cover = album.cover
      ? `<img src="${e(g.urls.mediaUrl(album.cover.key))}" alt="" loading="lazy" width="${album.cover.width}" height="${album.cover.height}">`
      : `<span class="nothumb" aria-hidden="true"></span>`;
    const privacy = options.showPrivacy ? ` · ${e(g.t(PRIVACY_BADGES[album.privacy]))}` : '';
    return `<li class="tile album-card"><a href="${e(g.paths.album(album))}">${cover}<span class="caption">${e(album.name)}</span></a><span class="meta">${e(itemCount(g.t, album.imageCount))}${privacy}</span></li>`;
  });
  return `<ul class="grid album-grid">${cards.join('')}</ul>`;
}

export interface Cursor {
  readonly before?: number | undefined;
  readonly after?: number | undefined;
}

/** Reads `?before=` / `?after=` (public ids); anything undecodable means the first page. */
export function readCursor(query: unknown, ids: PublicIdCodec): Cursor {
  const q = (query ?? {}) as Record<string, unknown>;
  const decode = (v: unknown) => (typeof v === 'string' && v.length <= 32 ? (ids.decode(v) ?? undefined) : undefined);
  const before = decode(q.before);
  if (before !== undefined) return { before };
  const after = decode(q.after);
  return after !== undefined ? { after } : {};
}

/**
 * Previous and next page links of a keyset page. In display order "next" continues the list (older
 * items of a newest-first list, later ones of an album); "previous" goes back towards its start.
 */
export function pager(
  page: ListingPage,
  cursor: Cursor,
  order: 'asc' | 'desc',
  g: GridContext,
  href: (param: 'before' | 'after' | null, id: number) => string,
): string {
  const forwardParam = order === 'desc' ? 'before' : 'after';
  const backParam = order === 'desc' ? 'after' : 'before';
  const hasCursor = cursor.before !== undefined || cursor.after !== undefined;
  const wentBack = (order === 'desc' ? cursor.after : cursor.before) !== undefined;
  const first = page.items[0];
  const last = page.items.at(-1);
  let prev: string | null = null;
  let next: string | null = null;
  if (!first || !last) {
    if (hasCursor) prev = href(null, 0);
  } else if (wentBack) {
    prev = page.more ? href(backParam, first.id) : null;
    next = href(forwardParam, last.id);
  } else {
    prev = hasCursor ? href(backParam, first.id) : null;
    next = page.more ? href(forwardParam, last.id) : null;
  }
  if (!prev && !next) return '';
  const links = [
    prev ? `<a class="button" rel="prev" href="${e(prev)}">${e(g.t('listing.prevPage'))}</a>` : '',
    next ? `<a class="button" rel="next" href="${e(next)}">${e(g.t('listing.nextPage'))}</a>` : '',
  ].join('');
  return `<nav class="pager" aria-label="${e(g.t('listing.pages'))}">${links}</nav>`;
}

/** `path?keep&param=id`, dropping any earlier cursor. */
export function cursorHref(path: string, keep: Readonly<Record<string, string>>, ids: PublicIdCodec) {
  return (param: 'before' | 'after' | null, id: number): string => {
    const params = new URLSearchParams(keep);
    if (param) params.set(param, ids.encode(id));
    const query = params.toString();
    return query ? `${path}?${query}` : path;
  };
}

/** The owner's bulk "move to album" bar wrapped around a selectable grid. */
export function moveForm(inner: string, albums: readonly Album[], g: GridContext, options: { readonly csrf: string; readonly back: string; readonly exclude?: number }): string {
  const choices = albums
    .filter((a) => a.id !== options.exclude)
    .map((a) => `<option value="${e(g.ids.encode(a.id))}">${e(a.name)}</option>`)
    .join('');
  return `<form method="post" action="${e(g.paths.path('move'))}" class="bulk-move">
<input type="hidden" name="_csrf" value="${e(options.csrf)}"><input type="hidden" name="next" value="${e(options.back)}">
${inner}
<div class="bulk-bar"><label for="move-target">${e(g.t('listing.moveSelected'))}</label>
<select id="move-target" name="target"><option value="none">${e(g.t('albums.none'))}</option>${choices}</select>
<button type="submit">${e(g.t('listing.move'))}</button></div>
</form>`;
}
