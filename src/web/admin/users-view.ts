import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { AdminUserRow } from '../../ports/admin-repository.js';
import { bytes, csrfField, formatDate, formatNumber, pager, postButton, type AdminViewContext } from './admin-layout.js';

export interface UsersData {
  readonly users: readonly AdminUserRow[];
  readonly page: number;
  readonly hasNext: boolean;
  readonly actorId: number;
  readonly timeZone: string;
}

function actions(ctx: AdminViewContext, user: AdminUserRow, page: number): string {
  const { t } = ctx;
  const base = `/dashboard/users/${user.id}`;
  const fields = { page: String(page) };
  const role = user.isAdmin
    ? postButton(ctx, { action: `${base}/role`, label: t('admin.users.makeUser'), fields: { ...fields, role: 'user' } })
    : postButton(ctx, { action: `${base}/role`, label: t('admin.users.makeAdmin'), fields: { ...fields, role: 'admin' } });
  const state = user.disabled
    ? postButton(ctx, { action: `${base}/disable`, label: t('admin.users.enable'), fields: { ...fields, disabled: '0' } })
    : postButton(ctx, {
        action: `${base}/disable`,
        label: t('admin.users.disable'),
        confirm: t('admin.users.disableConfirm', { username: user.username }),
        fields: { ...fields, disabled: '1' },
      });
  const remove = `<a class="button danger-link" href="${base}/delete">${e(t('admin.users.delete'))}</a>`;
  return `<div class="admin-actions">${role}${state}${remove}</div>`;
}

/** The user table with role, state, uploads and the actions an admin may take. */
export function usersContent(ctx: AdminViewContext, data: UsersData): string {
  const { t, lang } = ctx;
  if (data.users.length === 0) return `<p>${e(t('admin.users.none'))}</p>`;
  const rows = data.users
    .map((user) => {
      const you = user.id === data.actorId;
      const role = user.isAdmin ? t('admin.users.roleAdmin') : t('admin.users.roleUser');
      const state = user.disabled ? `<span class="badge warn">${e(t('admin.users.stateDisabled'))}</span>` : e(t('admin.users.stateActive'));
      return `<tr id="user-${user.id}">
<th scope="row"><a href="/user/${e(encodeURIComponent(user.username))}">${e(user.username)}</a>${you ? ` <span class="badge">${e(t('admin.users.you'))}</span>` : ''}${user.email ? `<br><span class="meta">${e(user.email)}</span>` : ''}</th>
<td>${e(role)}</td>
<td>${state}</td>
<td>${e(formatNumber(user.uploads, lang))}<br><span class="meta">${e(bytes(user.bytes))}</span></td>
<td>${e(formatDate(user.createdAt, lang, data.timeZone))}</td>
<td>${you ? `<span class="meta">${e(t('admin.users.selfNote'))}</span>` : actions(ctx, user, data.page)}</td>
</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="admin-table">
<caption class="meta">${e(t('admin.users.caption'))}</caption>
<thead><tr><th scope="col">${e(t('admin.users.username'))}</th><th scope="col">${e(t('admin.users.role'))}</th><th scope="col">${e(t('admin.users.state'))}</th><th scope="col">${e(t('admin.users.uploads'))}</th><th scope="col">${e(t('admin.users.joined'))}</th><th scope="col">${e(t('admin.users.actions'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>
${pager(ctx, '/dashboard/users', data.page, data.hasNext)}`;
}

/** Asks before a user and everything they uploaded are deleted. */
export function deleteUserContent(ctx: AdminViewContext, user: { id: number; username: string; uploads: number }): string {
  const { t } = ctx;
  return `<p>${e(t('admin.users.deleteQuestion', { username: user.username, count: user.uploads }))}</p>
<p class="meta">${e(t('admin.users.deleteWarning'))}</p>
<form method="post" action="/dashboard/users/${user.id}/delete">${csrfField(ctx)}
<button type="submit" class="danger">${e(t('admin.users.deleteConfirm'))}</button>
<a class="button" href="/dashboard/users">${e(t('common.cancel'))}</a>
</form>`;
}
