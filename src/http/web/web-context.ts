import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, languageFromAcceptHeader, translator, type Language, type Translate } from '../../web/i18n/index.js';
import type { User } from '../../ports/repositories.js';
import { safeEqual } from '../../lib/secrets.js';
import type { ActiveSession, SessionService } from '../../services/session.service.js';

export const SESSION_COOKIE = 'ph_session';
export const BROWSER_COOKIE = 'ph_bid';
export const LANGUAGE_COOKIE = 'ph_lang';

/** What every page needs to know about the request: who, in which language, and the CSRF token. */
export interface WebContext {
  readonly lang: Language;
  readonly t: Translate;
  readonly user: User | null;
  readonly session: ActiveSession | null;
  /** CSRF token for forms (`_csrf`) and XHR (`x-csrf-token`). */
  readonly csrf: string;
  /** Path and query of this request, for "return to" links and the language switch. */
  readonly path: string;
  readonly signups: boolean;
}

export interface WebContextOptions {
  readonly sessions: SessionService;
  readonly defaultLanguage: Language;
  readonly secureCookies: boolean;
  readonly signups: boolean;
}

const cache = new WeakMap<FastifyRequest, WebContext>();

/**
 * The request's cookies, parsed on first use: the app registers @fastify/cookie without its parsing
 * hook, so requests that never build a page context (stored files, the upload API) do not pay for it.
 */
export function requestCookies(request: FastifyRequest): Record<string, string | undefined> {
  if (request.cookies) return request.cookies;
  const header = request.headers.cookie;
  request.cookies = header ? request.server.parseCookie(header) : {};
  return request.cookies;
}

/** Language order: `?lang=`, the account's choice, the cookie, Accept-Language, the site default. */
export function resolveLanguage(request: FastifyRequest, user: User | null, fallback: Language): { lang: Language; fromQuery: boolean } {
  const query = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLanguage(query)) return { lang: query, fromQuery: true };
  if (isLanguage(user?.language)) return { lang: user.language, fromQuery: false };
  const cookie = requestCookies(request)[LANGUAGE_COOKIE];
  if (isLanguage(cookie)) return { lang: cookie, fromQuery: false };
  const header = request.headers['accept-language'];
  return { lang: languageFromAcceptHeader(typeof header === 'string' ? header : undefined) ?? fallback, fromQuery: false };
}

export function cookieOptions(secure: boolean, maxAgeSeconds: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: maxAgeSeconds };
}

/** Builds (once per request) the web context, setting the browser-id and language cookies as needed. */
export async function webContext(request: FastifyRequest, reply: FastifyReply, options: WebContextOptions): Promise<WebContext> {
  const known = cache.get(request);
  if (known) return known;
  const cookies = requestCookies(request);
  const session = await options.sessions.load(cookies[SESSION_COOKIE]);
  if (!session && cookies[SESSION_COOKIE]) void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  let browserId = cookies[BROWSER_COOKIE];
  if (!browserId || !/^[A-Za-z0-9_-]{22}$/.test(browserId)) {
    browserId = randomBytes(16).toString('base64url');
    void reply.setCookie(BROWSER_COOKIE, browserId, cookieOptions(options.secureCookies, 365 * 86_400));
  }
  const user = session?.user ?? null;
  const { lang, fromQuery } = resolveLanguage(request, user, options.defaultLanguage);
  if (fromQuery) void reply.setCookie(LANGUAGE_COOKIE, lang, { ...cookieOptions(options.secureCookies, 365 * 86_400), httpOnly: false });
  const ctx: WebContext = {
    lang,
    t: translator(lang),
    user,
    session,
    csrf: options.sessions.csrfToken(csrfBinding(session, browserId)),
    path: request.url,
    signups: options.signups,
  };
  cache.set(request, ctx);
  return ctx;
}

/** What a CSRF token is bound to; exported for handlers that create a session mid-request. */
export function csrfBinding(session: ActiveSession | null, browserId: string): string {
  return session ? `s:${session.id}` : `b:${browserId}`;
}

/**
 * Checks the CSRF token of a state-changing request: the `_csrf` form field or the `x-csrf-token`
 * header must carry the token of this session (or browser). Also refuses a foreign Origin.
 */
export function csrfValid(request: FastifyRequest, ctx: WebContext, baseOrigin: string, formToken?: string): boolean {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null' && origin !== baseOrigin && origin !== requestOrigin(request)) return false;
  const header = request.headers['x-csrf-token'];
  const presented = typeof header === 'string' ? header : formToken;
  return typeof presented === 'string' && safeEqual(presented, ctx.csrf);
}

function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function setSessionCookie(reply: FastifyReply, session: ActiveSession, secure: boolean): void {
  const maxAge = Math.max(60, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  void reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(secure, maxAge));
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
