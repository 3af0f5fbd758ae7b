import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { MessageKey, Translate } from '../i18n/index.js';

/** What the account views need from the request. */
export interface ViewContext {
  readonly t: Translate;
  readonly csrf: string;
}

export interface View {
  readonly title: string;
  readonly body: string;
  /** Browser modules under /static/. */
  readonly scripts?: readonly string[];
}

export function csrfField(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
}

/** An error box announced to screen readers; `id` lets fields point at it with aria-describedby. */
export function errorNotice(message: string, id = 'form-error'): string {
  return `<div class="notice error" role="alert" id="${e(id)}">${e(message)}</div>`;
}

export function okNotice(message: string): string {
  return `<div class="notice ok" role="status">${e(message)}</div>`;
}

/** Replaces `{name}` in an already-translated template with HTML (a link), escaping the rest. */
export function withLink(template: string, name: string, html: string): string {
  return template
    .split(`{${name}}`)
    .map((part) => e(part))
    .join(html);
}

export interface LoginForm {
  readonly username: string;
  readonly next: string;
  readonly error?: MessageKey;
  readonly signups: boolean;
}

export function loginView(ctx: ViewContext, form: LoginForm): View {
  const { t } = ctx;
  const described = form.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  const signup = form.signups
    ? `<p>${withLink(t('account.login.noAccount'), 'signup', `<a href="/signup${form.next !== '/' ? `?next=${e(encodeURIComponent(form.next))}` : ''}">${e(t('account.login.signupLink'))}</a>`)}</p>`
    : '';
  const body = `<div class="account-form">
<h1>${e(t('account.login.title'))}</h1>
${form.error ? errorNotice(t(form.error)) : ''}
<form method="post" action="/login" novalidate>
${csrfField(ctx.csrf)}
<input type="hidden" name="next" value="${e(form.next)}">
<label for="login-username">${e(t('account.field.username'))}</label>
<input id="login-username" type="text" name="username" value="${e(form.username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64"${described}${form.username ? '' : ' autofocus'}>
<label for="login-password">${e(t('account.field.password'))}</label>
<input id="login-password" type="password" name="password" autocomplete="current-password" required maxlength="1024"${described}${form.username ? ' autofocus' : ''}>
<p><button class="primary" type="submit">${e(t('account.login.submit'))}</button></p>
</form>
${signup}
</div>`;
  return { title: t('account.login.title'), body };
}

export interface SignupForm {
  readonly username: string;
  readonly email: string;
  readonly next: string;
  readonly errors: Partial<Record<'username' | 'email' | 'password' | 'confirm', MessageKey>>;
}

function fieldError(t: Translate, id: string, key: MessageKey | undefined): { attrs: string; html: string } {
  if (!key) return { attrs: '', html: '' };
  return { attrs: ` aria-invalid="true" aria-describedby="${id}-error"`, html: `<p class="field-error" id="${id}-error">${e(t(key))}</p>` };
}

export function signupView(ctx: ViewContext, form: SignupForm): View {
  const { t } = ctx;
  const username = fieldError(t, 'signup-username', form.errors.username);
  const email = fieldError(t, 'signup-email', form.errors.email);
  const password = fieldError(t, 'signup-password', form.errors.password);
  const confirm = fieldError(t, 'signup-confirm', form.errors.confirm);
  const anyError = Object.keys(form.errors).length > 0;
  const body = `<div class="account-form">
<h1>${e(t('account.signup.title'))}</h1>
${anyError ? errorNotice(t('account.signup.fix')) : ''}
<form method="post" action="/signup" novalidate>
${csrfField(ctx.csrf)}
<input type="hidden" name="next" value="${e(form.next)}">
<label for="signup-username">${e(t('account.field.username'))}</label>
<input id="signup-username" type="text" name="username" value="${e(form.username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required minlength="2" maxlength="32"${username.attrs || ' aria-describedby="signup-username-hint"'}>
<p class="hint" id="signup-username-hint">${e(t('account.signup.usernameHint'))}</p>
${username.html}
<label for="signup-email">${e(t('account.signup.email'))}</label>
<input id="signup-email" type="email" name="email" value="${e(form.email)}" autocomplete="email" maxlength="254"${email.attrs}>
${email.html}
<label for="signup-password">${e(t('account.field.password'))}</label>
<input id="signup-password" type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="1024"${password.attrs || ' aria-describedby="signup-password-hint"'}>
<p class="hint" id="signup-password-hint">${e(t('account.signup.passwordHint'))}</p>
${password.html}
<label for="signup-confirm">${e(t('account.signup.confirm'))}</label>
<input id="signup-confirm" type="password" name="confirm" autocomplete="new-password" required minlength="8" maxlength="1024"${confirm.attrs}>
${confirm.html}
<p><button class="primary" type="submit">${e(t('account.signup.submit'))}</button></p>
</form>
<p>${withLink(t('account.signup.haveAccount'), 'login', `<a href="/login${form.next !== '/' ? `?next=${e(encodeURIComponent(form.next))}` : ''}">${e(t('account.signup.loginLink'))}</a>`)}</p>
</div>`;
  return { title: t('account.signup.title'), body };
}

/** After sign-up or login when guest uploads of this browser joined the account. */
export function adoptedView(ctx: ViewContext, count: number, next: string, username: string): View {
  const { t } = ctx;
  const body = `<div class="account-form">
<h1>${e(t('account.adopted.title'))}</h1>
${okNotice(t(count === 1 ? 'account.adopted.one' : 'account.adopted.many', { count }))}
<p class="actions"><a class="button primary" href="${e(next)}">${e(t('account.adopted.continue'))}</a>
<a class="button" href="/user/${e(encodeURIComponent(username))}">${e(t('account.adopted.myUploads'))}</a></p>
</div>`;
  return { title: t('account.adopted.title'), body };
}

export function logoutView(ctx: ViewContext): View {
  const { t } = ctx;
  const body = `<div class="account-form">
<h1>${e(t('account.logout.title'))}</h1>
<form method="post" action="/logout">${csrfField(ctx.csrf)}<button class="primary" type="submit">${e(t('account.logout.submit'))}</button></form>
</div>`;
  return { title: t('account.logout.title'), body };
}

export function rateLimitedView(ctx: ViewContext, seconds: number): View {
  const { t } = ctx;
  return { title: t('account.rateLimited.title'), body: `<h1>${e(t('account.rateLimited.title'))}</h1>${errorNotice(t('error.rateLimited', { seconds }))}` };
}

export function messageView(title: string, message: string): View {
  return { title, body: `<h1>${e(title)}</h1><p>${e(message)}</p>` };
}
