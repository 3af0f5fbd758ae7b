import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noticeFromQuery } from '../../../../web/admin/admin-layout.js';
import { uploadsContent } from '../../../../web/admin/uploads-view.js';
import { adminKit, formText, idOf, pageOf, type AdminRouteDeps, type Query } from './admin-route-kit.js';

const PAGE_SIZE = 36;

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Query }>;

/** `/dashboard/uploads` (every upload, newest first) and `/dashboard/moderation` (the approval queue). */
export function registerAdminUploadRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const admin = adminKit(deps);

  const listing = (queue: boolean) => async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const a = await admin.get(request, reply);
    if (!a) return reply;
    const page = pageOf(request.query.page);
    const rows = await deps.admin.listImages(queue, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1);
    const content = uploadsContent(a.ctx, {
      images: rows.slice(0, PAGE_SIZE),
      page,
      hasNext: rows.length > PAGE_SIZE,
      timeZone: deps.site.values.timeZone,
      queue,
      moderation: deps.site.values.moderation,
      mediaUrl: (key) => deps.urls.mediaUrl(key),
      viewerPath: (image) => deps.urls.viewerPath(image),
    });
    const title = a.ctx.t(queue ? 'admin.nav.moderation' : 'admin.nav.uploads');
    return admin.render(request, reply, a, { section: queue ? 'moderation' : 'uploads', title, content, notice: noticeFromQuery(request.query) });
  };
  app.get('/dashboard/uploads', listing(false));
  app.get('/dashboard/moderation', listing(true));

  /** Back where the form was: the same listing and page. */
  const back = (request: FastifyRequest, reply: FastifyReply, outcome: string) => {
    const section = formText(request.body, 'back') === 'moderation' ? 'moderation' : 'uploads';
    return reply.redirect(`/dashboard/${section}?page=${pageOf(formText(request.body, 'page'))}&${outcome}`, 303);
  };

  app.post('/dashboard/uploads/:id/delete', async (request: IdRequest, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    if (id === null) return deps.kit.notFound(request, reply);
    const deleted = await deps.admin.deleteImage(id);
    if (deleted) request.log.info({ admin: a.user.id, imageId: id }, 'admin deleted an upload');
    return back(request, reply, deleted ? 'ok=deletedUpload' : 'error=notFound');
  });

  app.post('/dashboard/moderation/:id/approve', async (request: IdRequest, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    if (id === null) return deps.kit.notFound(request, reply);
    const approved = await deps.admin.approve(id);
    if (approved) request.log.info({ admin: a.user.id, imageId: id }, 'admin approved an upload');
    return back(request, reply, approved ? 'ok=approved' : 'error=notFound');
  });
}
