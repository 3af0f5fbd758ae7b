import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { ListingPage } from '../../ports/gallery.js';
import type { Album, User } from '../../ports/repositories.js';
import { ALBUM_PRIVACIES, MAX_ALBUM_DESCRIPTION, MAX_ALBUM_NAME, type AlbumProblem } from '../../services/album.service.js';
import type { WebContext } from '../../http/web/web-context.js';
import type { MessageKey } from '../i18n/index.js';
import type { PageOptions } from '../layout.js';
import { imageGrid, itemCount, moveForm, PRIVACY_BADGES, PRIVACY_LABELS, type GridContext } from './grid.js';

export const ALBUM_PROBLEMS: Readonly<Record<AlbumProblem, MessageKey>> = {
  name: 'albums.error.name',
  privacy: 'albums.error.privacy',
  password: 'albums.error.password',
};

/** The password gate of an album, also shown on the viewer pages of its images. */
export function gatePage(album: Album, ctx: WebContext, g: GridContext, options: { readonly next: string; readonly failed: boolean }): PageOptions {
  const body = `<section class="gate narrow">
<h1>${e(album.name)}</h1>
<p>${e(ctx.t('albums.gate.body'))}</p>
${options.failed ? `<p class="notice error" role="alert">${e(ctx.t('albums.gate.wrong'))}</p>` : ''}
<form method="post" action="${e(g.paths.albumAction(album, 'unlock'))}">
<input type="hidden" name="_csrf" value="${e(ctx.csrf)}"><input type="hidden" name="next" value="${e(options.next)}">
<label for="album-password">${e(ctx.t('albums.password'))}</label>
<input id="album-password" type="password" name="password" required autocomplete="current-password" autofocus>
<p><button class="primary" type="submit">${e(ctx.t('albums.gate.unlock'))}</button></p>
</form></section>`;
  return { title: ctx.t('albums.gate.title'), body, head: '<meta name="robots" content="noindex">' };
}

export interface AlbumView {
  readonly album: Album;
  readonly owner: User | null;
  readonly page: ListingPage;
  readonly pager: string;
  readonly manager: boolean;
  /** The owner's other albums, for the bulk move. */
  readonly ownerAlbums: readonly Album[];
  readonly notice: MessageKey | null;
}

export function albumPage(view: AlbumView, ctx: WebContext, g: GridContext): PageOptions {
  const { album, owner } = view;
  const path = g.paths.album(album);
  const by = owner ? `<a href="${e(g.paths.profile(owner.username))}" rel="author">${e(owner.username)}</a>` : '';
  const meta = [
    by ? e(ctx.t('albums.by', { user: '\u0000' })).replace('\u0000', by) : '',
    e(itemCount(ctx.t, album.imageCount)),
    view.manager ? e(ctx.t(PRIVACY_BADGES[album.privacy])) : '',
  ].filter(Boolean).join(' · ');
  const tools = view.manager
    ? `<p class="album-tools"><a class="button" href="${e(g.paths.albumAction(album, 'edit'))}">${e(ctx.t('albums.edit'))}</a> <a class="button" href="${e(`/upload?toAlbum=${g.ids.encode(album.id)}`)}">${e(ctx.t('albums.addUploads'))}</a></p>`
    : '';
  let grid = imageGrid(view.page.items, g, { selectable: view.manager, empty: 'albums.empty' });
  if (view.manager && view.page.items.length > 0) grid = moveForm(grid, view.ownerAlbums, g, { csrf: ctx.csrf, back: path, exclude: album.id });
  const description = album.description ? `<div class="description">${e(album.description).replace(/\n/g, '<br>')}</div>` : '';
  const notice = view.notice ? `<p class="notice ok" role="status">${e(ctx.t(view.notice))}</p>` : '';
  const body = `<section class="album">
<h1>${e(album.name)}</h1>
<p class="meta">${meta}</p>
${notice}${description}${tools}
${grid}
${view.pager}
</section>`;
  const cover = view.page.items.find((i) => i.thumb)?.thumb;
  const head = [
    `<link rel="canonical" href="${e(g.paths.absolute(path))}">`,
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${e(album.name)}">`,
    album.description ? `<meta property="og:description" content="${e(album.description.slice(0, 300))}">` : '',
    cover ? `<meta property="og:image" content="${e(g.urls.mediaUrl(cover.key))}">` : '',
    `<meta name="twitter:card" content="summary">`,
    album.privacy === 'public' ? '' : '<meta name="robots" content="noindex">',
  ].filter(Boolean).join('\n');
  return { title: album.name, body, head, scripts: ['gallery.js'] };
}

export interface AlbumFormValues {
  readonly name: string;
  readonly description: string;
  readonly privacy: string;
}

/** The create form (`album` null) or the edit form with the delete section. */
export function albumFormPage(
  album: Album | null,
  values: AlbumFormValues,
  problem: AlbumProblem | null,
  ctx: WebContext,
  g: GridContext,
): PageOptions {
  const heading = album ? ctx.t('albums.editTitle') : ctx.t('albums.newTitle');
  const action = album ? g.paths.albumAction(album, 'edit') : g.paths.path('newAlbum');
  const csrf = `<input type="hidden" name="_csrf" value="${e(ctx.csrf)}">`;
  const privacy = ALBUM_PRIVACIES.map(
    (p) => `<label class="check"><input type="radio" name="privacy" value="${p}"${values.privacy === p ? ' checked' : ''}> ${e(ctx.t(PRIVACY_LABELS[p]))}</label>`,
  ).join('\n');
  const hasPassword = album?.privacy === 'password' && album.passwordHash !== null;
  const del = album
    ? `<section class="danger-zone" aria-labelledby="delete-album">
<h2 id="delete-album">${e(ctx.t('albums.delete.title'))}</h2>
<form method="post" action="${e(g.paths.albumAction(album, 'delete'))}">${csrf}
<label class="check"><input type="checkbox" name="with_images" value="1"> ${e(ctx.t('albums.delete.withImages', { count: album.imageCount }))}</label>
<p class="meta">${e(ctx.t('albums.delete.note'))}</p>
<button class="danger" type="submit">${e(ctx.t('albums.delete.button'))}</button>
</form></section>`
    : '';
  const body = `<section class="album-form narrow">
<h1>${e(heading)}</h1>
${album ? `<p><a href="${e(g.paths.album(album))}">${e(album.name)}</a></p>` : ''}
${problem ? `<p class="notice error" role="alert">${e(ctx.t(ALBUM_PROBLEMS[problem]))}</p>` : ''}
<form method="post" action="${e(action)}">${csrf}
<label for="album-name">${e(ctx.t('albums.name'))}</label>
<input id="album-name" type="text" name="name" required maxlength="${MAX_ALBUM_NAME}" value="${e(values.name)}">
<label for="album-description">${e(ctx.t('albums.description'))}</label>
<textarea id="album-description" name="description" maxlength="${MAX_ALBUM_DESCRIPTION}">${e(values.description)}</textarea>
<fieldset><legend>${e(ctx.t('albums.privacy'))}</legend>
${privacy}
</fieldset>
<label for="album-password">${e(ctx.t('albums.password'))}</label>
<input id="album-password" type="password" name="password" autocomplete="new-password" aria-describedby="album-password-hint">
<p class="meta" id="album-password-hint">${e(ctx.t(hasPassword ? 'albums.passwordKeep' : 'albums.passwordHint'))}</p>
<p><button class="primary" type="submit">${e(ctx.t(album ? 'common.save' : 'albums.create'))}</button></p>
</form>
${del}
</section>`;
  return { title: heading, body };
}
