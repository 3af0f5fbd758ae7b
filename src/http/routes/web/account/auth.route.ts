import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../../../errors/app-error.js';
import type { User } from '../../../../ports/repositories.js';
import { isValidUsername, type AccountService } from '../../../../services/account.service.js';
import type { SessionService } from '../../../../services/session.service.js';
import type { WebAuthService } from '../../../../services/web-auth.service.js';
import { adoptedView, loginView, logoutView, messageView, rateLimitedView, signupView, type SignupForm } from '../../../../web/account/auth-views.js';
import { clearSessionCookie, setSessionCookie } from '../../../web/web-context.js';
import type { WebKit } from '../../../web/web-kit.js';
import { isPlausibleEmail, PASSWORD_MAX, PASSWORD_MIN, readForm, safeNext } from './form.js';

export interface AuthRouteDeps {
  readonly kit: WebKit;
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  readonly webAuth: WebAuthService;
  readonly signups: boolean;
}

type Req = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** `/login`, `/signup`, `/logout` and the page that reports adopted guest uploads. */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const { kit } = deps;

  const tooMany = async (request: FastifyRequest, reply: FastifyReply, seconds: number) => {
    const ctx = await kit.ctx(request, reply);
    void reply.header('retry-after', String(seconds));
    return kit.page(request, reply, 429, rateLimitedView(ctx, seconds));
  };

  /** A fresh session for `user` (guest uploads of the old one join the account), then on to `next`. */
  const logIn = async (request: FastifyRequest, reply: FastifyReply, user: User, next: string) => {
    const ctx = await kit.ctx(request, reply);
    const { session, adopted } = await deps.sessions.login(ctx.session, user);
    setSessionCookie(reply, session, kit.secureCookies);
    request.log.info({ userId: user.id, adopted }, 'logged in');
    const target = adopted > 0 ? `/account/adopted?count=${adopted}&next=${encodeURIComponent(next)}` : next;
    return reply.redirect(target, 303);
  };

  app.get('/login', async (request: Req, reply) => {
    const ctx = await kit.ctx(request, reply);
    const next = safeNext(request.query.next);
    if (ctx.user) return reply.redirect(next, 303);
    return kit.page(request, reply, 200, loginView(ctx, { username: '', next, signups: deps.signups }));
  });

  app.post('/login', async (request, reply) => {
    const form = readForm(request.body, ['_csrf', 'username', 'password', 'next']);
    if (!(await kit.checkCsrf(request, reply, form._csrf))) return reply;
    const ctx = await kit.ctx(request, reply);
    const next = safeNext(form.next);
    const username = form.username.trim().slice(0, 64);
    const throttle = await deps.webAuth.throttleLogin(request.ip, username);
    if (!throttle.ok) return tooMany(request, reply, throttle.retryAfter);
    const result = form.password.length > PASSWORD_MAX ? ({ kind: 'wrong' } as const) : await deps.webAuth.verifyLogin(username, form.password);
    if (result.kind !== 'ok') {
      const error = result.kind === 'disabled' ? 'account.login.disabled' : 'account.login.wrong';
      return kit.page(request, reply, result.kind === 'disabled' ? 403 : 401, loginView(ctx, { username, next, error, signups: deps.signups }));
    }
    await deps.webAuth.loginSucceeded(request.ip, username);
    return logIn(request, reply, result.user, next);
  });

  const closed = async (request: FastifyRequest, reply: FastifyReply) => {
    const { t } = await kit.ctx(request, reply);
    return kit.page(request, reply, 404, messageView(t('account.signup.closedTitle'), t('account.signup.closed')));
  };

  app.get('/signup', async (request: Req, reply) => {
    if (!deps.signups) return closed(request, reply);
    const ctx = await kit.ctx(request, reply);
    const next = safeNext(request.query.next);
    if (ctx.user) return reply.redirect(next, 303);
    return kit.page(request, reply, 200, signupView(ctx, { username: '', email: '', next, errors: {} }));
  });

  app.post('/signup', async (request, reply) => {
    if (!deps.signups) return closed(request, reply);
    const form = readForm(request.body, ['_csrf', 'username', 'email', 'password', 'confirm', 'next']);
    if (!(await kit.checkCsrf(request, reply, form._csrf))) return reply;
    const ctx = await kit.ctx(request, reply);
    const username = form.username.trim();
    const email = form.email.trim();
    const next = safeNext(form.next);
    const errors: { -readonly [K in keyof SignupForm['errors']]: SignupForm['errors'][K] } = {};
    if (!isValidUsername(username)) errors.username = 'account.error.usernameInvalid';
    if (email !== '' && !isPlausibleEmail(email)) errors.email = 'account.error.emailInvalid';
    if (form.password.length < PASSWORD_MIN) errors.password = 'account.error.passwordShort';
    else if (form.password.length > PASSWORD_MAX) errors.password = 'account.error.passwordLong';
    else if (form.password !== form.confirm) errors.confirm = 'account.error.passwordMismatch';
    const again = (status: number) => kit.page(request, reply, status, signupView(ctx, { username, email, next, errors }));
    if (Object.keys(errors).length > 0) return again(400);
    const throttle = await deps.webAuth.throttleSignup(request.ip);
    if (!throttle.ok) return tooMany(request, reply, throttle.retryAfter);
    if (await deps.accounts.findUser(username)) {
      errors.username = 'account.error.usernameTaken';
      return again(409);
    }
    let user: User;
    try {
      user = await deps.accounts.createUser({ username, email: email || null, password: form.password });
    } catch (error) {
      // Two sign-ups racing for one name: the loser hears the name is taken.
      if (!isAppError(error) && !(await deps.accounts.findUser(username))) throw error;
      errors.username = 'account.error.usernameTaken';
      return again(409);
    }
    request.log.info({ userId: user.id }, 'account created');
    return logIn(request, reply, user, next);
  });

  app.get('/account/adopted', async (request: Req, reply) => {
    const ctx = await kit.ctx(request, reply);
    const next = safeNext(request.query.next);
    const count = Number(request.query.count);
    if (!ctx.user || !Number.isSafeInteger(count) || count < 1) return reply.redirect(next, 303);
    return kit.page(request, reply, 200, adoptedView(ctx, count, next, ctx.user.username));
  });

  app.get('/logout', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    if (!ctx.user) return reply.redirect('/', 303);
    return kit.page(request, reply, 200, logoutView(ctx));
  });

  app.post('/logout', async (request, reply) => {
    const form = readForm(request.body, ['_csrf']);
    if (!(await kit.checkCsrf(request, reply, form._csrf))) return reply;
    const ctx = await kit.ctx(request, reply);
    if (ctx.session) await deps.sessions.logout(ctx.session);
    clearSessionCookie(reply);
    return reply.redirect('/', 303);
  });
}
