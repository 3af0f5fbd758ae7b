import { escapeHtmlStrict as e, sizeFormatted } from '../../domain/format.js';
import type { MessageKey, Translate } from '../i18n/index.js';

/** What the admin views need from the request. */
export interface AdminViewContext {
  readonly t: Translate;
  readonly csrf: string;
  readonly lang: string;
}

export type AdminSection = 'overview' | 'users' | 'uploads' | 'moderation' | 'settings';

export interface AdminNotice {
  readonly ok?: MessageKey;
  readonly error?: MessageKey;
}

const SECTIONS: ReadonlyArray<readonly [AdminSection, string, MessageKey]> = [
  ['overview', '/dashboard', 'admin.nav.overview'],
  ['users', '/dashboard/users', 'admin.nav.users'],
  ['uploads', '/dashboard/uploads', 'admin.nav.uploads'],
  ['moderation', '/dashboard/moderation', 'admin.nav.moderation'],
  ['settings', '/dashboard/settings', 'admin.nav.settings'],
];

/** Results a redirect may report back through `?ok=` or `?error=`; anything else is ignored. */
const NOTICES: Readonly<Record<string, MessageKey>> = {
  saved: 'admin.notice.saved',
  reset: 'admin.notice.reset',
  role: 'admin.notice.role',
  disabled: 'admin.notice.disabled',
  enabled: 'admin.notice.enabled',
  deletedUser: 'admin.notice.deletedUser',
  deletedUpload: 'admin.notice.deletedUpload',
  approved: 'admin.notice.approved',
  self: 'admin.error.self',
  lastAdmin: 'admin.error.lastAdmin',
  notFound: 'admin.error.notFound',
};

export function noticeFromQuery(query: Readonly<Record<string, unknown>>): AdminNotice {
  const pick = (value: unknown): MessageKey | undefined => (typeof value === 'string' && Object.hasOwn(NOTICES, value) ? NOTICES[value] : undefined);
  const ok = pick(query.ok);
  const error = pick(query.error);
  return { ...(ok ? { ok } : {}), ...(error ? { error } : {}) };
}

export function csrfField(ctx: AdminViewContext): string {
  return `<input type="hidden" name="_csrf" value="${e(ctx.csrf)}">`;
}

export function renderNotice(ctx: AdminViewContext, notice: AdminNotice): string {
  const parts: string[] = [];
  if (notice.ok) parts.push(`<p class="notice ok" role="status">${e(ctx.t(notice.ok))}</p>`);
  if (notice.error) parts.push(`<p class="notice error" role="alert">${e(ctx.t(notice.error))}</p>`);
  return parts.join('\n');
}

/**
 * The dashboard shell: heading, section tabs, notices, content. The moderation tab shows only when
 * it has a use (moderation on, or uploads still waiting).
 */
export function adminPage(
  ctx: AdminViewContext,
  options: { section: AdminSection; title: string; content: string; notice?: AdminNotice; showModeration: boolean },
): { title: string; body: string; scripts: string[] } {
  const { t } = ctx;
  const tabs = SECTIONS.filter(([section]) => section !== 'moderation' || options.showModeration || options.section === 'moderation')
    .map(([section, href, label]) => `<li><a href="${href}"${section === options.section ? ' aria-current="page"' : ''}>${e(t(label))}</a></li>`)
    .join('');
  const body = `<nav class="admin-nav" aria-label="${e(t('admin.nav.label'))}"><ul>${tabs}</ul></nav>
<h1>${e(options.title)}</h1>
${renderNotice(ctx, options.notice ?? {})}
${options.content}`;
  return { title: `${options.title} · ${t('admin.title')}`, body, scripts: ['admin.js'] };
}

/** Previous / next links of an offset listing; `hasNext` comes from fetching one row more than shown. */
export function pager(ctx: AdminViewContext, base: string, page: number, hasNext: boolean): string {
  if (page <= 1 && !hasNext) return '';
  const link = (n: number) => `${base}?page=${n}`;
  const prev = page > 1 ? `<a rel="prev" href="${e(link(page - 1))}">${e(ctx.t('common.previous'))}</a>` : '';
  const next = hasNext ? `<a rel="next" href="${e(link(page + 1))}">${e(ctx.t('common.next'))}</a>` : '';
  return `<nav class="pager" aria-label="${e(ctx.t('admin.pager.label'))}">${prev}<span>${e(ctx.t('admin.pager.page', { page }))}</span>${next}</nav>`;
}

export function bytes(n: number): string {
  return sizeFormatted(n);
}

export function formatNumber(n: number, lang: string): string {
  return new Intl.NumberFormat(lang).format(n);
}

export function formatDate(date: Date, lang: string, timeZone: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** A one-button POST form; `confirm` asks first (admin.js), `extra` adds hidden fields. */
export function postButton(
  ctx: AdminViewContext,
  options: { action: string; label: string; className?: string; confirm?: string; fields?: Readonly<Record<string, string>> },
): string {
  const hidden = Object.entries(options.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join('');
  const confirm = options.confirm ? ` data-confirm="${e(options.confirm)}"` : '';
  const cls = options.className ? ` class="${e(options.className)}"` : '';
  return `<form class="inline-form" method="post" action="${e(options.action)}"${confirm}>${csrfField(ctx)}${hidden}<button type="submit"${cls}>${e(options.label)}</button></form>`;
}
