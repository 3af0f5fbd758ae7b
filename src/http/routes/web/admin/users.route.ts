import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminResult } from '../../../../services/admin.service.js';
import { noticeFromQuery } from '../../../../web/admin/admin-layout.js';
import { deleteUserContent, usersContent } from '../../../../web/admin/users-view.js';
import { adminKit, formText, idOf, pageOf, type AdminRouteDeps, type Query } from './admin-route-kit.js';

const PAGE_SIZE = 30;

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Query }>;

const REFUSAL_CODES = { 'not-found': 'notFound', self: 'self', 'last-admin': 'lastAdmin' } as const;

/** Back to the listing (same page) with the outcome as a notice. */
function backToUsers(reply: FastifyReply, page: number, result: AdminResult, okCode: string) {
  const outcome = result.ok ? `ok=${okCode}` : `error=${REFUSAL_CODES[result.reason]}`;
  return reply.redirect(`/dashboard/users?page=${page}&${outcome}`, 303);
}

/** `/dashboard/users`: roles, disabling and deleting accounts. */
export function registerAdminUserRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const admin = adminKit(deps);

  app.get('/dashboard/users', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const a = await admin.get(request, reply);
    if (!a) return reply;
    const page = pageOf(request.query.page);
    const rows = await deps.admin.listUsers((page - 1) * PAGE_SIZE, PAGE_SIZE + 1);
    const content = usersContent(a.ctx, {
      users: rows.slice(0, PAGE_SIZE),
      page,
      hasNext: rows.length > PAGE_SIZE,
      actorId: a.user.id,
      timeZone: deps.site.values.timeZone,
    });
    return admin.render(request, reply, a, { section: 'users', title: a.ctx.t('admin.nav.users'), content, notice: noticeFromQuery(request.query) });
  });

  app.post('/dashboard/users/:id/role', async (request: IdRequest, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    const role = formText(request.body, 'role');
    if (id === null || (role !== 'admin' && role !== 'user')) return deps.kit.notFound(request, reply);
    const result = await deps.admin.setRole(a.user, id, role === 'admin');
    if (result.ok) request.log.info({ admin: a.user.id, userId: id, role }, 'admin changed a role');
    return backToUsers(reply, pageOf(formText(request.body, 'page')), result, 'role');
  });

  app.post('/dashboard/users/:id/disable', async (request: IdRequest, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    const flag = formText(request.body, 'disabled');
    if (id === null || (flag !== '1' && flag !== '0')) return deps.kit.notFound(request, reply);
    const result = await deps.admin.setDisabled(a.user, id, flag === '1');
    if (result.ok) request.log.info({ admin: a.user.id, userId: id, disabled: flag === '1' }, 'admin changed an account state');
    return backToUsers(reply, pageOf(formText(request.body, 'page')), result, flag === '1' ? 'disabled' : 'enabled');
  });

  app.get('/dashboard/users/:id/delete', async (request: IdRequest, reply) => {
    const a = await admin.get(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    const user = id === null ? null : await deps.admin.findUser(id);
    if (!user) return deps.kit.notFound(request, reply);
    if (user.id === a.user.id) return reply.redirect('/dashboard/users?error=self', 303);
    const uploads = await deps.admin.countUploads(user.id);
    const content = deleteUserContent(a.ctx, { id: user.id, username: user.username, uploads });
    return admin.render(request, reply, a, { section: 'users', title: a.ctx.t('admin.users.deleteTitle', { username: user.username }), content });
  });

  app.post('/dashboard/users/:id/delete', async (request: IdRequest, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const id = idOf(request.params.id);
    if (id === null) return deps.kit.notFound(request, reply);
    const result = await deps.admin.deleteUser(a.user, id);
    if (result.ok) request.log.info({ admin: a.user.id, userId: id, images: result.deletedImages }, 'admin deleted a user and their uploads');
    return backToUsers(reply, 1, result, 'deletedUser');
  });
}
