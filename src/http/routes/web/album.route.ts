import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtmlStrict as e } from '../../../domain/format.js';
import type { Album, User } from '../../../ports/repositories.js';
import type { AlbumInput } from '../../../services/album.service.js';
import { albumFormPage, albumPage, gatePage } from '../../../web/gallery/album-pages.js';
import { cursorHref, pager, readCursor } from '../../../web/gallery/grid.js';
import type { MessageKey } from '../../../web/i18n/index.js';
import { setSessionCookie } from '../../web/web-context.js';
import { field, fields, gridContext, idFromSegment, requestPath, safeNext, type GalleryDeps } from './gallery.routes.js';

const PAGE_SIZE = 36;
const UNLOCK_WINDOW_MS = 15 * 60_000;
const UNLOCK_ATTEMPTS = 20;

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;

function albumInput(body: unknown): AlbumInput {
  return { name: field(body, 'name'), description: field(body, 'description'), privacy: field(body, 'privacy'), password: field(body, 'password') };
}

/** Adds `key=value` to a local path that may already carry a query. */
export function withParam(path: string, key: string, value: string): string {
  const url = new URL(path, 'http://local');
  url.searchParams.set(key, value);
  return `${url.pathname}${url.search}`;
}

/** Album pages, the password gate, and the owner's create, edit, delete and move forms. */
export function registerAlbumRoutes(app: FastifyInstance, deps: GalleryDeps): void {
  const { kit, db } = deps;

  const loadAlbum = async (segment: string): Promise<Album | null> => {
    const id = idFromSegment(deps.ids, segment);
    return id === null ? null : db.albums.findById(id);
  };

  /** The album a logged-in manager works on; null after answering (login redirect, 404, 403). */
  const managed = async (request: IdRequest, reply: FastifyReply): Promise<{ album: Album; user: User } | null> => {
    const user = await kit.requireUser(request, reply);
    if (!user) return null;
    const album = await loadAlbum(request.params.id);
    if (!album) {
      await kit.notFound(request, reply);
      return null;
    }
    if (!deps.albums.isManager(user, album)) {
      await kit.message(request, reply, 403, 'error.forbidden.title', 'error.forbidden.body');
      return null;
    }
    return { album, user };
  };

  app.get('/album/:id', async (request: IdRequest, reply) => {
    const album = await loadAlbum(request.params.id);
    if (!album) return kit.notFound(request, reply);
    const canonical = deps.paths.album(album);
    if (requestPath(request) !== canonical) {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      return reply.redirect(`${canonical}${query}`, 302);
    }
    const ctx = await kit.ctx(request, reply);
    const g = gridContext(deps, ctx);
    const access = deps.albums.access(album, ctx.user, ctx.session?.data.unlockedAlbums ?? []);
    if (access === 'hidden') return kit.notFound(request, reply);
    if (access === 'locked') return kit.page(request, reply, 403, gatePage(album, ctx, g, { next: canonical, failed: false }));
    const manager = deps.albums.isManager(ctx.user, album);
    const cursor = readCursor(request.query, deps.ids);
    const [page, owner, ownerAlbums] = await Promise.all([
      db.listings.listImages({ kind: 'album', albumId: album.id, includeUnapproved: manager }, { order: 'asc', ...cursor, limit: PAGE_SIZE }),
      db.users.findById(album.userId),
      manager ? db.albums.listByUser(album.userId) : [],
    ]);
    if (owner?.disabled && !ctx.user?.isAdmin) return kit.notFound(request, reply);
    const notice: MessageKey | null = request.query.saved !== undefined ? 'common.saved' : request.query.moved !== undefined ? 'listing.moved' : null;
    const links = pager(page, cursor, 'asc', g, cursorHref(canonical, {}, deps.ids));
    return kit.page(request, reply, 200, albumPage({ album, owner, page, pager: links, manager, ownerAlbums, notice }, ctx, g));
  });

  app.post('/album/:id/unlock', async (request: IdRequest, reply) => {
    const album = await loadAlbum(request.params.id);
    if (!album) return kit.notFound(request, reply);
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return reply;
    const next = safeNext(field(request.body, 'next'), deps.paths.album(album));
    if (album.privacy !== 'password') return reply.redirect(next, 303);
    const ctx = await kit.ctx(request, reply);
    const limit = await db.rateLimits.hit(`album-unlock:${album.id}:${request.ip}`, UNLOCK_WINDOW_MS, deps.clock.now());
    if (limit.count > UNLOCK_ATTEMPTS) {
      const seconds = Math.max(1, Math.ceil((limit.resetAt.getTime() - deps.clock.now().getTime()) / 1000));
      void reply.header('retry-after', String(seconds));
      return kit.page(request, reply, 429, { title: ctx.t('albums.gate.title'), body: `<h1>${e(ctx.t('albums.gate.title'))}</h1><p>${e(ctx.t('error.rateLimited', { seconds }))}</p>` });
    }
    if (!(await deps.albums.checkPassword(album, field(request.body, 'password')))) {
      return kit.page(request, reply, 403, gatePage(album, ctx, gridContext(deps, ctx), { next, failed: true }));
    }
    if (ctx.session) await deps.sessions.rememberUnlockedAlbum(ctx.session, album.id);
    else setSessionCookie(reply, await deps.sessions.create(null, { guestImages: [], unlockedAlbums: [album.id] }), kit.secureCookies);
    return reply.redirect(next, 303);
  });

  app.get('/albums/new', async (request, reply) => {
    if (!(await kit.requireUser(request, reply))) return reply;
    const ctx = await kit.ctx(request, reply);
    return kit.page(request, reply, 200, albumFormPage(null, { name: '', description: '', privacy: 'public' }, null, ctx, gridContext(deps, ctx)));
  });

  app.post('/albums/new', async (request, reply) => {
    const user = await kit.requireUser(request, reply);
    if (!user) return reply;
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return reply;
    const input = albumInput(request.body);
    const result = await deps.albums.create(user, input);
    if (result.ok) return reply.redirect(deps.paths.album(result.album), 303);
    const ctx = await kit.ctx(request, reply);
    return kit.page(request, reply, 400, albumFormPage(null, { name: input.name, description: input.description ?? '', privacy: input.privacy }, result.problem, ctx, gridContext(deps, ctx)));
  });

  app.get('/album/:id/edit', async (request: IdRequest, reply) => {
    const found = await managed(request, reply);
    if (!found) return reply;
    const { album } = found;
    const ctx = await kit.ctx(request, reply);
    const values = { name: album.name, description: album.description ?? '', privacy: album.privacy };
    return kit.page(request, reply, 200, albumFormPage(album, values, null, ctx, gridContext(deps, ctx)));
  });

  app.post('/album/:id/edit', async (request: IdRequest, reply) => {
    const found = await managed(request, reply);
    if (!found) return reply;
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return reply;
    const input = albumInput(request.body);
    const result = await deps.albums.update(found.album, input);
    if (result.ok) return reply.redirect(`${deps.paths.album(result.album)}?saved=1`, 303);
    const ctx = await kit.ctx(request, reply);
    const values = { name: input.name, description: input.description ?? '', privacy: input.privacy };
    return kit.page(request, reply, 400, albumFormPage(found.album, values, result.problem, ctx, gridContext(deps, ctx)));
  });

  app.post('/album/:id/delete', async (request: IdRequest, reply) => {
    const found = await managed(request, reply);
    if (!found) return reply;
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return reply;
    const { album } = found;
    const deleted = await deps.albums.delete(album, field(request.body, 'with_images') === '1');
    request.log.info({ albumId: album.id, deletedImages: deleted }, 'album deleted');
    const owner = await db.users.findById(album.userId);
    return reply.redirect(owner ? deps.paths.profile(owner.username) : `${deps.urls.basePath}/`, 303);
  });

  app.post('/albums/move', async (request, reply) => {
    const user = await kit.requireUser(request, reply);
    if (!user) return reply;
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return reply;
    const back = safeNext(field(request.body, 'next'), deps.paths.profile(user.username));
    const targetField = field(request.body, 'target');
    let target: Album | null = null;
    if (targetField !== 'none' && targetField !== '') {
      target = await loadAlbum(targetField);
      if (!target || !deps.albums.isManager(user, target)) return kit.message(request, reply, 403, 'error.forbidden.title', 'error.forbidden.body');
    }
    const ids = fields(request.body, 'ids')
      .slice(0, 1000)
      .map((v) => deps.ids.decode(v))
      .filter((id): id is number => id !== null);
    // Only the owner's images move: into their own album, or out of any album.
    const moved = await deps.albums.move(target?.userId ?? user.id, ids, target);
    return reply.redirect(withParam(back, 'moved', String(moved)), 303);
  });
}
