import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../../container.js';
import { diskUsage } from '../../../../lib/disk-usage.js';
import { noticeFromQuery } from '../../../../web/admin/admin-layout.js';
import { overviewContent } from '../../../../web/admin/overview-view.js';
import type { WebKit } from '../../../web/web-kit.js';
import { adminKit, type AdminRouteDeps, type Query } from './admin-route-kit.js';
import { registerAdminSettingsRoutes } from './settings.route.js';
import { registerAdminUploadRoutes } from './uploads.route.js';
import { registerAdminUserRoutes } from './users.route.js';

/** The admin area under /dashboard: overview, users, uploads, moderation and site settings. */
export function registerAdminRoutes(app: FastifyInstance, c: Container, kit: WebKit, options: { uploadCeilingBytes: number }): void {
  const deps: AdminRouteDeps = {
    kit,
    admin: c.admin,
    site: c.site,
    urls: c.urls,
    dataDir: c.config.dataDir,
    uploadCeilingBytes: options.uploadCeilingBytes,
  };
  const admin = adminKit(deps);

  app.get('/dashboard', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const a = await admin.get(request, reply);
    if (!a) return reply;
    const [stats, disk] = await Promise.all([c.admin.stats(), diskUsage(c.config.dataDir)]);
    const content = overviewContent(a.ctx, { stats, disk, moderation: c.site.values.moderation });
    return admin.render(request, reply, a, { section: 'overview', title: a.ctx.t('admin.title'), content, notice: noticeFromQuery(request.query) });
  });

  registerAdminUserRoutes(app, deps);
  registerAdminUploadRoutes(app, deps);
  registerAdminSettingsRoutes(app, deps);
}
