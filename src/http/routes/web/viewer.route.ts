import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtmlStrict as e } from '../../../domain/format.js';
import { isDeleteSecret } from '../../../domain/api-key.js';
import type { ImageRecord } from '../../../ports/repositories.js';
import type { MessageKey } from '../../../web/i18n/index.js';
import { gatePage } from '../../../web/gallery/album-pages.js';
import { renderViewerPage } from '../../../web/gallery/viewer-page.js';
import { field, findViewable, gridContext, idFromSegment, imageAccess, requestPath, type GalleryDeps } from './gallery.routes.js';

type IdParams = { Params: { route: string; id: string } };

/**
 * The routes behind the URLs the API hands out (SPEC-API A14, A15): the viewer page, the short URL and
 * non-canonical slugs (redirected), and the delete link (GET confirms, POST or DELETE deletes); and
 * the owner's edit and delete forms.
 */
export function registerViewerRoutes(app: FastifyInstance, deps: GalleryDeps): void {
  const { kit } = deps;

  const load = async (idText: string): Promise<ImageRecord | null> => {
    const id = idFromSegment(deps.ids, idText);
    if (id === null) return null;
    const image = await deps.db.images.findById(id);
    return image && image.status === 'active' ? image : null;
  };

  const viewer = async (request: FastifyRequest<{ Params: { route: string; slugId: string }; Querystring: Record<string, string | undefined> }>, reply: FastifyReply) => {
    const segment = request.params.slugId;
    // A bare id where viewer paths carry slugs is a short URL, nearly always redirected, for which the
    // upload's own row is enough (an upload whose title gives no slug reads again below).
    if (deps.urls.seoUrls && !segment.includes('.')) {
      const image = await load(segment);
      if (!image) return kit.notFound(request, reply);
      const canonical = deps.urls.viewerPath(image);
      if (requestPath(request) !== canonical) return reply.redirect(canonical, 302);
    }
    // The upload, its owner and its album in one read; then only the album's neighbours are left.
    const found = await findViewable(deps, segment);
    if (!found) return kit.notFound(request, reply);
    const { image } = found;
    const canonical = deps.urls.viewerPath(image);
    if (requestPath(request) !== canonical) return reply.redirect(canonical, 302);
    const ctx = await kit.ctx(request, reply);
    const access = imageAccess(deps, found, ctx.user, ctx.session?.data.unlockedAlbums ?? []);
    if (access.kind === 'hidden') return kit.notFound(request, reply);
    if (access.kind === 'locked') return kit.page(request, reply, 403, gatePage(access.album, ctx, gridContext(deps, ctx), { next: canonical, failed: false }));
    if (access.kind === 'unapproved') return kit.message(request, reply, 403, 'viewer.unapproved.title', 'viewer.unapproved.body');
    const { album, owner, manager } = access;

    let views = image.views;
    // The owner looking at their own upload is not a view; a reload by the same browser neither.
    if (!manager && request.method === 'GET' && deps.views.firstView(ctx.csrf, image.id)) {
      // Written behind the page, together with the other views of the moment (ViewRecorder).
      deps.viewWriter.add(image.id);
      views++;
    }
    const albumManager = album !== null && deps.albums.isManager(ctx.user, album);
    const [neighbours, ownerAlbums] = await Promise.all([
      album ? deps.db.listings.albumNeighbours(album.id, image.id, albumManager) : null,
      manager && image.userId !== null ? deps.db.albums.listByUser(image.userId) : [],
    ]);
    const notice: MessageKey | null = request.query.saved !== undefined ? 'common.saved' : request.query.error === 'album' ? 'viewer.edit.albumInvalid' : null;
    const page = renderViewerPage(
      { image, owner, album, neighbours, canManage: manager, ownerAlbums, views, notice, now: deps.clock.now(), timeZone: deps.timeZone },
      ctx,
      gridContext(deps, ctx),
    );
    return kit.page(request, reply, 200, page);
  };

  const deletePage = async (request: FastifyRequest<{ Params: { route: string; id: string; secret: string } }>, reply: FastifyReply) => {
    const { id, secret } = request.params;
    // The secret is checked before the upload is loaded, against its stored hash or a stand-in, so a
    // wrong secret costs the same whether or not the upload exists (no existence oracle by timing).
    const imageId = idFromSegment(deps.ids, id);
    const valid = imageId !== null && isDeleteSecret(secret) && (await deps.deletion.verifySecret(imageId, secret));
    const image = valid ? await load(id) : null;
    if (!image) return kit.notFound(request, reply);
    const { t } = await kit.ctx(request, reply);
    const title = image.title ?? `${image.name}.${image.extension}`;
    if (request.method === 'GET' || request.method === 'HEAD') {
      // Link previews fetch URLs: GET only asks, so a chat app cannot delete anything (SPEC-API A14).
      const body = `<h1>${e(t('viewer.deleteLink.title'))}</h1>
<p><strong>${e(title)}</strong></p>
<p class="meta">${e(t('viewer.delete.warning'))}</p>
<form method="post" action="${e(requestPath(request))}"><button class="danger" type="submit">${e(t('common.delete'))}</button></form>`;
      return kit.page(request, reply, 200, { title: t('viewer.deleteLink.title'), body, head: '<meta name="robots" content="noindex">' });
    }
    await deps.deletion.deleteImage(image.id);
    request.log.info({ imageId: image.id }, 'upload deleted through its delete link');
    if (request.method === 'DELETE') {
      return reply.header('cache-control', 'no-store').send({ status_code: 200, success: { message: 'file deleted', code: 200 }, status_txt: 'OK' });
    }
    return kit.message(request, reply, 200, 'viewer.deleted.title', 'viewer.deleted.body');
  };

  /** Loads the image for an owner's form: null after answering 404, 403 or the CSRF refusal. */
  const forManager = async (request: FastifyRequest<IdParams>, reply: FastifyReply): Promise<ImageRecord | null> => {
    const image = await load(request.params.id);
    if (!image) {
      await kit.notFound(request, reply);
      return null;
    }
    if (!(await kit.checkCsrf(request, reply, field(request.body, '_csrf')))) return null;
    const { user } = await kit.ctx(request, reply);
    if (!deps.details.canManage(user, image)) {
      await kit.message(request, reply, 403, 'error.forbidden.title', 'error.forbidden.body');
      return null;
    }
    return image;
  };

  const edit = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const image = await forManager(request, reply);
    if (!image) return reply;
    const albumField = field(request.body, 'album');
    const albumId = albumField === '' || albumField === 'none' ? null : deps.ids.decode(albumField);
    const path = deps.urls.viewerPath(image);
    if (albumId === null && albumField !== '' && albumField !== 'none') return reply.redirect(`${path}?error=album`, 303);
    const result = await deps.details.edit(image, {
      title: field(request.body, 'title'),
      description: field(request.body, 'description'),
      tags: field(request.body, 'tags'),
      albumId,
      nsfw: field(request.body, 'nsfw') === '1',
    });
    if (!result.ok) return reply.redirect(`${path}?error=album`, 303);
    // The title may have changed the slug: go to the new canonical path.
    const updated = await deps.db.images.findById(image.id);
    return reply.redirect(`${deps.urls.viewerPath(updated ?? image)}?saved=1`, 303);
  };

  const remove = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const image = await forManager(request, reply);
    if (!image) return reply;
    await deps.deletion.deleteImage(image.id);
    request.log.info({ imageId: image.id }, 'upload deleted by its owner');
    const owner = image.userId === null ? null : await deps.db.users.findById(image.userId);
    return reply.redirect(owner ? deps.paths.profile(owner.username) : `${deps.urls.basePath}/`, 303);
  };

  // Route names are site settings an admin may change while the server runs, so the first segment is
  // a parameter checked on each request. Fixed paths (`/album/…`, `/user/…`) still win in the router.
  const isViewerRoute = (route: string) => route === deps.routes.image || route === deps.routes.video || deps.formerRoutes.includes(route);
  const guard = <R extends FastifyRequest<{ Params: { route: string } }>>(handler: (request: R, reply: FastifyReply) => Promise<unknown>) =>
    async (request: R, reply: FastifyReply) => (isViewerRoute(request.params.route) ? handler(request, reply) : reply.callNotFound());
  app.get('/:route/:slugId', guard(viewer));
  app.route({ method: ['GET', 'POST', 'DELETE'], url: '/:route/:id/delete/:secret', handler: guard(deletePage) });
  app.post('/:route/:id/edit', guard(edit));
  app.post('/:route/:id/delete', guard(remove));
}
