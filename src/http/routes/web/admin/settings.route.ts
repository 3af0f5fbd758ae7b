import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSiteKey, SITE_KEYS, type SettingProblem, type SiteKey } from '../../../../services/site-settings.service.js';
import { noticeFromQuery, type AdminNotice } from '../../../../web/admin/admin-layout.js';
import { settingsContent } from '../../../../web/admin/settings-view.js';
import { adminKit, formText, type Admin, type AdminRouteDeps, type Query } from './admin-route-kit.js';

/** `/dashboard/settings`: the site settings stored in the database, over the environment's defaults. */
export function registerAdminSettingsRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const admin = adminKit(deps);
  const { site } = deps;

  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    a: Admin,
    options: { status?: number; notice?: AdminNotice; submitted?: Partial<Record<SiteKey, string>>; problems?: Partial<Record<SiteKey, SettingProblem>> },
  ) => {
    const content = settingsContent(a.ctx, {
      values: site.values,
      defaults: site.defaults,
      source: (key) => site.source(key),
      submitted: options.submitted,
      problems: options.problems,
      ceilingMb: deps.uploadCeilingBytes / 1_000_000,
    });
    return admin.render(request, reply, a, {
      status: options.status,
      section: 'settings',
      title: a.ctx.t('admin.nav.settings'),
      content,
      notice: options.notice,
    });
  };

  app.get('/dashboard/settings', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const a = await admin.get(request, reply);
    if (!a) return reply;
    return show(request, reply, a, { notice: noticeFromQuery(request.query) });
  });

  app.post('/dashboard/settings', async (request, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const submitted: Partial<Record<SiteKey, string>> = {};
    // Only fields the form sent are considered, so a partial form (or a script) changes only those.
    for (const key of SITE_KEYS) if (Object.hasOwn(body, key)) submitted[key] = formText(body, key);
    const result = await site.update(submitted);
    if (!result.ok) return show(request, reply, a, { status: 400, submitted, problems: result.problems });
    if (result.changed.length > 0) request.log.info({ admin: a.user.id, settings: result.changed }, 'admin changed site settings');
    return reply.redirect('/dashboard/settings?ok=saved', 303);
  });

  app.post('/dashboard/settings/reset', async (request, reply) => {
    const a = await admin.post(request, reply);
    if (!a) return reply;
    const key = formText(request.body, 'field');
    if (!isSiteKey(key)) return deps.kit.notFound(request, reply);
    const result = await site.update({}, [key]);
    if (!result.ok) return show(request, reply, a, { status: 400, problems: result.problems });
    if (result.changed.length > 0) request.log.info({ admin: a.user.id, settings: result.changed }, 'admin reset a site setting');
    return reply.redirect(`/dashboard/settings?ok=reset#setting-${key}`, 303);
  });
}
