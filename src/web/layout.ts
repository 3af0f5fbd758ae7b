import { escapeHtmlStrict as e } from '../domain/format.js';
import { LANGUAGE_NAMES, LANGUAGES, type Translate } from './i18n/index.js';

/** What the shell of a page needs from the request (a subset of the web context). */
export interface PageContext {
  readonly lang: string;
  readonly t: Translate;
  readonly user: { readonly username: string; readonly isAdmin: boolean } | null;
  readonly csrf: string;
  readonly path: string;
  readonly signups: boolean;
}

export interface PageOptions {
  readonly title: string;
  /** Already-escaped HTML of the main content. */
  readonly body: string;
  /** Extra tags for <head> (already escaped). */
  readonly head?: string;
  /** Browser modules under /static/ to load, e.g. `uploader.js`. */
  readonly scripts?: readonly string[];
}

function withLang(path: string, lang: string): string {
  const [p = '/', q = ''] = path.split('?');
  const params = new URLSearchParams(q);
  params.set('lang', lang);
  return `${p}?${params.toString()}`;
}

/**
 * The HTML shell of every page. No inline script or style anywhere, so the Content-Security-Policy
 * can forbid them; interpolated text is escaped here or by the caller.
 */
export function renderPage(ctx: PageContext, options: PageOptions): string {
  const { t } = ctx;
  const account = ctx.user
    ? `<a href="/user/${e(encodeURIComponent(ctx.user.username))}">${e(t('nav.profile'))}</a>
<a href="/settings">${e(t('nav.settings'))}</a>
${ctx.user.isAdmin ? `<a href="/dashboard">${e(t('nav.dashboard'))}</a>` : ''}
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${e(ctx.csrf)}"><button class="linklike" type="submit">${e(t('nav.logout'))}</button></form>`
    : `<a href="/login">${e(t('nav.login'))}</a>${ctx.signups ? ` <a href="/signup">${e(t('nav.signup'))}</a>` : ''}`;
  const languages = LANGUAGES.map((l) =>
    l === ctx.lang ? `<strong lang="${e(l)}">${e(LANGUAGE_NAMES[l])}</strong>` : `<a lang="${e(l)}" hreflang="${e(l)}" href="${e(withLang(ctx.path, l))}">${e(LANGUAGE_NAMES[l])}</a>`,
  ).join(' · ');
  const scripts = (options.scripts ?? []).map((s) => `<script type="module" src="/static/${e(s)}"></script>`).join('\n');
  return `<!doctype html>
<html lang="${e(ctx.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${e(ctx.csrf)}">
<title>${e(options.title)} · Pinhole</title>
<link rel="stylesheet" href="/static/site.css">
${options.head ?? ''}
${scripts}
</head>
<body>
<a class="skip" href="#main">${e(t('nav.skip'))}</a>
<header class="topbar">
<a class="brand" href="/">Pinhole</a>
<nav aria-label="Main">
<a href="/upload">${e(t('nav.upload'))}</a>
<a href="/explore">${e(t('nav.explore'))}</a>
<form method="get" action="/search" role="search"><label class="skip" for="q">${e(t('nav.search'))}</label><input id="q" type="search" name="q" placeholder="${e(t('nav.search'))}"></form>
${account}
</nav>
</header>
<main id="main">
${options.body}
</main>
<footer><nav aria-label="${e(t('nav.language'))}">${languages}</nav><p class="footer-links"><a href="/api-v1">${e(t('apiDocs.footerLink'))}</a></p></footer>
</body>
</html>`;
}

export { e as escape };
