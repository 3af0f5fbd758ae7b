import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtmlStrict as e } from '../../../domain/format.js';
import { cursorHref, pager, readCursor } from '../../../web/gallery/grid.js';
import { listingPage, profilePage, searchForm } from '../../../web/gallery/listing-pages.js';
import type { MessageKey } from '../../../web/i18n/index.js';
import { gridContext, type GalleryDeps } from './gallery.routes.js';

const PAGE_SIZE = 36;
const MAX_QUERY = 100;

type Query = { Querystring: Record<string, string | undefined> };

/** The profile, explore, tag and search listings: thumbnails only, newest first, keyset pages. */
export function registerListingRoutes(app: FastifyInstance, deps: GalleryDeps): void {
  const { kit, db } = deps;

  app.get('/user/:username', async (request: FastifyRequest<Query & { Params: { username: string } }>, reply) => {
    const user = await db.users.findByUsername(request.params.username);
    const ctx = await kit.ctx(request, reply);
    if (!user || (user.disabled && !ctx.user?.isAdmin)) return kit.notFound(request, reply);
    const path = deps.paths.profile(user.username);
    const manager = ctx.user !== null && (ctx.user.id === user.id || ctx.user.isAdmin);
    const cursor = readCursor(request.query, deps.ids);
    const [albums, page] = await Promise.all([
      db.listings.listAlbums(user.id, { publicOnly: !manager }),
      db.listings.listImages({ kind: 'user', userId: user.id, includeHidden: manager }, { order: 'desc', ...cursor, limit: PAGE_SIZE }),
    ]);
    const g = gridContext(deps, ctx);
    const notice: MessageKey | null = request.query.moved !== undefined ? 'listing.moved' : null;
    const links = pager(page, cursor, 'desc', g, cursorHref(path, {}, deps.ids));
    return kit.page(request, reply, 200, profilePage({ user, albums, page, pager: links, manager, notice }, ctx, g));
  });

  app.get('/explore', async (request: FastifyRequest<Query>, reply) => {
    const ctx = await kit.ctx(request, reply);
    const g = gridContext(deps, ctx);
    const cursor = readCursor(request.query, deps.ids);
    const page = await db.listings.listImages({ kind: 'explore' }, { order: 'desc', ...cursor, limit: PAGE_SIZE });
    const links = pager(page, cursor, 'desc', g, cursorHref(deps.paths.path('explore'), {}, deps.ids));
    const intro = `<p class="meta">${e(ctx.t('listing.exploreIntro'))}</p>`;
    return kit.page(request, reply, 200, listingPage({ title: ctx.t('listing.explore'), intro, page, pager: links, empty: 'listing.noUploads' }, g));
  });

  app.get('/tag/:name', async (request: FastifyRequest<Query & { Params: { name: string } }>, reply) => {
    const tag = await db.listings.findTag(request.params.name);
    if (!tag) return kit.notFound(request, reply);
    const ctx = await kit.ctx(request, reply);
    const g = gridContext(deps, ctx);
    const cursor = readCursor(request.query, deps.ids);
    const page = await db.listings.listImages({ kind: 'tag', tagId: tag.id }, { order: 'desc', ...cursor, limit: PAGE_SIZE });
    const path = deps.paths.tag(tag.name);
    const links = pager(page, cursor, 'desc', g, cursorHref(path, {}, deps.ids));
    const head = `<link rel="canonical" href="${e(deps.paths.absolute(path))}">`;
    return kit.page(request, reply, 200, listingPage({ title: ctx.t('listing.tagTitle', { tag: tag.name }), page, pager: links, empty: 'listing.noUploads', head }, g));
  });

  app.get('/search', async (request: FastifyRequest<Query>, reply) => {
    const ctx = await kit.ctx(request, reply);
    const g = gridContext(deps, ctx);
    const raw = typeof request.query.q === 'string' ? request.query.q : '';
    const q = raw.trim().slice(0, MAX_QUERY);
    const form = searchForm(q, ctx, g);
    if (q === '') {
      return kit.page(request, reply, 200, { title: ctx.t('nav.search'), body: `<section class="listing"><h1>${e(ctx.t('nav.search'))}</h1>${form}</section>` });
    }
    const cursor = readCursor(request.query, deps.ids);
    const page = await db.listings.listImages({ kind: 'search', query: q }, { order: 'desc', ...cursor, limit: PAGE_SIZE });
    const links = pager(page, cursor, 'desc', g, cursorHref(deps.paths.path('search'), { q }, deps.ids));
    const title = ctx.t('listing.searchTitle', { query: q });
    return kit.page(request, reply, 200, listingPage({ title, intro: form, page, pager: links, empty: 'listing.noResults', head: '<meta name="robots" content="noindex">' }, g));
  });
}
