import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../../ports/repositories.js';
import type { AdminService } from '../../../../services/admin.service.js';
import type { SiteSettings } from '../../../../services/site-settings.service.js';
import type { UrlBuilder } from '../../../../services/url-builder.js';
import { adminPage, type AdminNotice, type AdminSection } from '../../../../web/admin/admin-layout.js';
import type { WebContext } from '../../../web/web-context.js';
import type { WebKit } from '../../../web/web-kit.js';

export interface AdminRouteDeps {
  readonly kit: WebKit;
  readonly admin: AdminService;
  readonly site: SiteSettings;
  readonly urls: UrlBuilder;
  /** The data directory, whose file system's use the overview shows. */
  readonly dataDir: string;
  /** Largest body the running server accepts; raising the upload limit beyond it needs a restart. */
  readonly uploadCeilingBytes: number;
}

export interface Admin {
  readonly user: User;
  readonly ctx: WebContext;
}

export type Query = Readonly<Record<string, unknown>>;

/** A urlencoded field as text: the first of repeated values, '' when absent. */
export function formText(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** `?page=` as a page number from 1; nonsense reads as 1. */
export function pageOf(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, n);
}

/** Positive integer id from a path parameter, else null. */
export function idOf(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}

export function adminKit(deps: AdminRouteDeps) {
  const { kit } = deps;
  return {
    /** The admin and page context; null after a redirect to /login or a 403 page. */
    async get(request: FastifyRequest, reply: FastifyReply): Promise<Admin | null> {
      const user = await kit.requireAdmin(request, reply);
      if (!user) return null;
      return { user, ctx: await kit.ctx(request, reply) };
    },
    /** CSRF first, so a forged form learns nothing, then the admin check. */
    async post(request: FastifyRequest, reply: FastifyReply): Promise<Admin | null> {
      if (!(await kit.checkCsrf(request, reply, formText(request.body, '_csrf')))) return null;
      const user = await kit.requireAdmin(request, reply);
      if (!user) return null;
      return { user, ctx: await kit.ctx(request, reply) };
    },
    async render(
      request: FastifyRequest,
      reply: FastifyReply,
      admin: Admin,
      options: { status?: number; section: AdminSection; title: string; content: string; notice?: AdminNotice },
    ): Promise<FastifyReply> {
      const showModeration = deps.site.values.moderation !== 'off' || (await deps.admin.listImages(true, 0, 1)).length > 0;
      const page = adminPage(admin.ctx, { ...options, showModeration });
      return kit.page(request, reply, options.status ?? 200, { ...page, head: '<meta name="robots" content="noindex">' });
    },
  };
}
