import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../ports/repositories.js';
import type { SessionService } from '../../services/session.service.js';
import { escapeHtmlStrict as e } from '../../domain/format.js';
import { renderPage, type PageOptions } from '../../web/layout.js';
import type { Language, MessageKey } from '../../web/i18n/index.js';
import { csrfValid, webContext, type WebContext } from './web-context.js';

/** Content-Security-Policy of pages: our own scripts and styles only, media from the site. */
export function pageCsp(mediaOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' ${mediaOrigin} data: blob:`,
    `media-src 'self' ${mediaOrigin} blob:`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'interest-cohort=()',
  'x-frame-options': 'DENY',
} as const;

export interface WebKitOptions {
  readonly sessions: SessionService;
  readonly defaultLanguage: Language;
  readonly baseUrl: string;
  readonly signups: boolean;
  /** A CDN or public bucket serving the media (PINHOLE_MEDIA_BASE_URL); pages may load media from it. */
  readonly mediaBaseUrl?: string | null;
}

/** The helpers every page route uses: context, rendering with security headers, guards, CSRF. */
export interface WebKit {
  readonly secureCookies: boolean;
  readonly baseOrigin: string;
  ctx(request: FastifyRequest, reply: FastifyReply): Promise<WebContext>;
  /** Renders a page in the shell with CSP and the other page headers. */
  page(request: FastifyRequest, reply: FastifyReply, status: number, options: PageOptions): Promise<FastifyReply>;
  /** A short message page (not found, forbidden, errors) from two message keys. */
  message(request: FastifyRequest, reply: FastifyReply, status: number, title: MessageKey, body: MessageKey): Promise<FastifyReply>;
  notFound(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  /** The logged-in user, or null after redirecting to /login (the caller returns the reply). */
  requireUser(request: FastifyRequest, reply: FastifyReply): Promise<User | null>;
  /** The logged-in admin, or null after answering 403 or redirecting to /login. */
  requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<User | null>;
  /** True when the request carries this browser's CSRF token; else answers 403 and returns false. */
  checkCsrf(request: FastifyRequest, reply: FastifyReply, formToken?: string): Promise<boolean>;
}

export function createWebKit(options: WebKitOptions): WebKit {
  const baseOrigin = new URL(options.baseUrl).origin;
  const secureCookies = baseOrigin.startsWith('https:');
  const mediaOrigin = options.mediaBaseUrl ? new URL(options.mediaBaseUrl).origin : baseOrigin;
  const csp = pageCsp(mediaOrigin === baseOrigin ? baseOrigin : `${baseOrigin} ${mediaOrigin}`);
  // Getters, not copies: the admin dashboard changes the default language and sign-ups at run time.
  const ctxOptions = {
    sessions: options.sessions,
    secureCookies,
    get defaultLanguage() { return options.defaultLanguage; },
    get signups() { return options.signups; },
  };

  const kit: WebKit = {
    secureCookies,
    baseOrigin,
    ctx: (request, reply) => webContext(request, reply, ctxOptions),
    async page(request, reply, status, page) {
      const ctx = await kit.ctx(request, reply);
      return reply
        .code(status)
        .headers({ ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store', vary: 'Cookie, Accept-Language' })
        .send(renderPage(ctx, page));
    },
    async message(request, reply, status, title, body) {
      const { t } = await kit.ctx(request, reply);
      return kit.page(request, reply, status, { title: t(title), body: `<h1>${e(t(title))}</h1><p>${e(t(body))}</p>` });
    },
    notFound: (request, reply) => kit.message(request, reply, 404, 'error.notFound.title', 'error.notFound.body'),
    async requireUser(request, reply) {
      const { user } = await kit.ctx(request, reply);
      if (user) return user;
      await reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return null;
    },
    async requireAdmin(request, reply) {
      const user = await kit.requireUser(request, reply);
      if (!user) return null;
      if (user.isAdmin) return user;
      await kit.message(request, reply, 403, 'error.forbidden.title', 'error.forbidden.body');
      return null;
    },
    async checkCsrf(request, reply, formToken) {
      const ctx = await kit.ctx(request, reply);
      if (csrfValid(request, ctx, baseOrigin, formToken)) return true;
      const wantsJson = (request.headers.accept ?? '').includes('application/json') || request.url.startsWith('/json/');
      if (wantsJson) await reply.code(403).send({ status_code: 403, error: { message: ctx.t('error.csrf'), code: 403 }, status_txt: 'Forbidden' });
      else await kit.page(request, reply, 403, { title: ctx.t('error.forbidden.title'), body: `<h1>${e(ctx.t('error.forbidden.title'))}</h1><p>${e(ctx.t('error.csrf'))}</p>` });
      return false;
    },
  };
  return kit;
}
