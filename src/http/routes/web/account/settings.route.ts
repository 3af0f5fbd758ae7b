import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../../ports/repositories.js';
import type { SessionService } from '../../../../services/session.service.js';
import type { WebAuthService } from '../../../../services/web-auth.service.js';
import { isExpirationChoice } from '../../../../web/expiration-choices.js';
import { isLanguage } from '../../../../web/i18n/index.js';
import { accountSettingsView, passwordSettingsView, uploadSettingsView, type Notice } from '../../../../web/account/settings-views.js';
import { setSessionCookie } from '../../../web/web-context.js';
import type { WebKit } from '../../../web/web-kit.js';
import { isPlausibleEmail, PASSWORD_MAX, PASSWORD_MIN, readForm } from './form.js';

export interface SettingsRouteDeps {
  readonly kit: WebKit;
  readonly sessions: SessionService;
  readonly webAuth: WebAuthService;
  /** The site's EXIF policy, shown as the "site default" choice. */
  readonly siteKeepsExif: boolean;
}

type Req = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** `?saved=1` after a redirect: the only state a settings page reports back. */
function savedNotice(request: Req): Notice {
  return request.query.saved === '1' ? { ok: 'common.saved' } : {};
}

/** `/settings` (account), `/settings/password` and `/settings/uploads`. */
export function registerSettingsRoutes(app: FastifyInstance, deps: SettingsRouteDeps): void {
  const { kit } = deps;

  /** The logged-in user and the page context; null after redirecting to the login page. */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await kit.requireUser(request, reply);
    if (!user) return null;
    return { user, ctx: await kit.ctx(request, reply) };
  };

  /** For POSTs: CSRF first (a forged form learns nothing), then the user. */
  const signedInPost = async (request: FastifyRequest, reply: FastifyReply, csrf: string): Promise<{ user: User; ctx: Awaited<ReturnType<WebKit['ctx']>> } | null> => {
    if (!(await kit.checkCsrf(request, reply, csrf))) return null;
    return signedIn(request, reply);
  };

  app.get('/settings', async (request: Req, reply) => {
    const s = await signedIn(request, reply);
    if (!s) return reply;
    return kit.page(request, reply, 200, accountSettingsView(s.ctx, s.user, savedNotice(request)));
  });

  app.post('/settings', async (request, reply) => {
    const form = readForm(request.body, ['_csrf', 'email', 'language']);
    const s = await signedInPost(request, reply, form._csrf);
    if (!s) return reply;
    const email = form.email.trim();
    if (email !== '' && !isPlausibleEmail(email)) {
      return kit.page(request, reply, 400, accountSettingsView(s.ctx, s.user, { error: 'account.error.emailInvalid' }, email));
    }
    const language = isLanguage(form.language) ? form.language : null;
    await deps.webAuth.updateAccount(s.user.id, { email: email || null, language });
    return reply.redirect('/settings?saved=1', 303);
  });

  app.get('/settings/password', async (request: Req, reply) => {
    const s = await signedIn(request, reply);
    if (!s) return reply;
    const notice: Notice = request.query.saved === '1' ? { ok: 'settings.password.changed' } : {};
    return kit.page(request, reply, 200, passwordSettingsView(s.ctx, s.user, notice));
  });

  app.post('/settings/password', async (request, reply) => {
    const form = readForm(request.body, ['_csrf', 'current', 'password', 'confirm']);
    const s = await signedInPost(request, reply, form._csrf);
    if (!s) return reply;
    const refuse = (status: number, notice: Notice) => kit.page(request, reply, status, passwordSettingsView(s.ctx, s.user, notice));
    if (form.password.length < PASSWORD_MIN) return refuse(400, { error: 'account.error.passwordShort' });
    if (form.password.length > PASSWORD_MAX) return refuse(400, { error: 'account.error.passwordLong' });
    if (form.password !== form.confirm) return refuse(400, { error: 'account.error.passwordMismatch' });
    if (form.current.length > PASSWORD_MAX) return refuse(400, { error: 'settings.password.wrongCurrent' });
    const result = await deps.webAuth.changePassword(s.user, form.current, form.password);
    if (result.kind === 'throttled') {
      void reply.header('retry-after', String(result.retryAfter));
      return refuse(429, { error: 'error.rateLimited', errorVars: { seconds: result.retryAfter } });
    }
    if (result.kind === 'wrong-current') return refuse(400, { error: 'settings.password.wrongCurrent' });
    // Every session of the user is gone, this one included; this browser gets a fresh one.
    const session = await deps.sessions.create(s.user);
    setSessionCookie(reply, session, kit.secureCookies);
    request.log.info({ userId: s.user.id }, 'password changed');
    return reply.redirect('/settings/password?saved=1', 303);
  });

  app.get('/settings/uploads', async (request: Req, reply) => {
    const s = await signedIn(request, reply);
    if (!s) return reply;
    return kit.page(request, reply, 200, uploadSettingsView(s.ctx, s.user, deps.siteKeepsExif, savedNotice(request)));
  });

  app.post('/settings/uploads', async (request, reply) => {
    const form = readForm(request.body, ['_csrf', 'keep_exif', 'expiration']);
    const s = await signedInPost(request, reply, form._csrf);
    if (!s) return reply;
    const keepExif = form.keep_exif === 'yes' ? true : form.keep_exif === 'no' ? false : null;
    // Only the offered choices, or the value already stored (kept when the form is saved unchanged).
    const valid = form.expiration === '' || isExpirationChoice(form.expiration) || form.expiration === s.user.defaultExpiration;
    if (!valid) return kit.page(request, reply, 400, uploadSettingsView(s.ctx, s.user, deps.siteKeepsExif, { error: 'settings.uploads.invalidExpiration' }));
    await deps.webAuth.updateUploadPreferences(s.user.id, { keepExif, defaultExpiration: form.expiration || null });
    return reply.redirect('/settings/uploads?saved=1', 303);
  });
}
