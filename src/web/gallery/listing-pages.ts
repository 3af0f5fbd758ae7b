import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { AlbumWithCover, ListingPage } from '../../ports/gallery.js';
import type { User } from '../../ports/repositories.js';
import type { WebContext } from '../../http/web/web-context.js';
import type { MessageKey } from '../i18n/index.js';
import type { PageOptions } from '../layout.js';
import { albumCards, imageGrid, moveForm, type GridContext } from './grid.js';

export interface ProfileView {
  readonly user: User;
  readonly albums: readonly AlbumWithCover[];
  readonly page: ListingPage;
  readonly pager: string;
  /** The profile's owner (or an admin): sees everything and gets the album tools. */
  readonly manager: boolean;
  readonly notice: MessageKey | null;
}

export function profilePage(view: ProfileView, ctx: WebContext, g: GridContext): PageOptions {
  const { user } = view;
  const path = g.paths.profile(user.username);
  const newAlbum = view.manager ? `<p><a class="button primary" href="${e(g.paths.path('newAlbum'))}">${e(ctx.t('albums.newTitle'))}</a></p>` : '';
  let grid = imageGrid(view.page.items, g, { selectable: view.manager, empty: 'listing.noUploads' });
  if (view.manager && view.page.items.length > 0) grid = moveForm(grid, view.albums, g, { csrf: ctx.csrf, back: ctx.path.startsWith('/') ? ctx.path : path });
  const notice = view.notice ? `<p class="notice ok" role="status">${e(ctx.t(view.notice))}</p>` : '';
  const body = `<section class="profile">
<h1>${e(user.username)}</h1>
<p class="meta">${e(ctx.t('listing.memberSince', { date: user.createdAt.toISOString().slice(0, 10) }))}</p>
${notice}
<section aria-labelledby="albums-title"><h2 id="albums-title">${e(ctx.t('listing.albums'))}</h2>
${newAlbum}
${albumCards(view.albums, g, { showPrivacy: view.manager })}
</section>
<section aria-labelledby="uploads-title"><h2 id="uploads-title">${e(ctx.t('listing.uploads'))}</h2>
${grid}
${view.pager}
</section>
</section>`;
  return { title: user.username, body, head: `<link rel="canonical" href="${e(g.paths.absolute(path))}">`, scripts: ['gallery.js'] };
}

export function listingPage(
  options: { readonly title: string; readonly intro?: string; readonly page: ListingPage; readonly pager: string; readonly empty: MessageKey; readonly head?: string },
  g: GridContext,
): PageOptions {
  const body = `<section class="listing">
<h1>${e(options.title)}</h1>
${options.intro ?? ''}
${imageGrid(options.page.items, g, { empty: options.empty })}
${options.pager}
</section>`;
  return { title: options.title, body, ...(options.head ? { head: options.head } : {}) };
}

export function searchForm(query: string, ctx: WebContext, g: GridContext): string {
  return `<form class="search-form" method="get" action="${e(g.paths.path('search'))}" role="search">
<label for="search-q">${e(ctx.t('listing.searchLabel'))}</label>
<div class="code-row"><input id="search-q" type="search" name="q" value="${e(query)}" maxlength="100"><button type="submit">${e(ctx.t('nav.search'))}</button></div>
</form>`;
}
