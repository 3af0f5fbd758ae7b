import { escapeHtmlStrict as e, formatDateTime } from '../../domain/format.js';
import { csrfField, errorNotice, okNotice, withLink, type View, type ViewContext } from './auth-views.js';
import { settingsView, type Notice } from './settings-views.js';

/** A key as listed: never its secret, only the public prefix. */
export interface KeyRow {
  /** Encoded id, as in the key's prefix. */
  readonly encodedId: string;
  readonly prefix: string;
  readonly label: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface KeysPageInput {
  readonly keys: readonly KeyRow[];
  readonly timeZone: string;
  readonly uploadUrl: string;
  readonly notice: Notice;
}

function time(date: Date, timeZone: string): string {
  return `<time datetime="${e(date.toISOString())}">${e(formatDateTime(date, timeZone))}</time>`;
}

/** Two POST forms that turn a plaintext key into ShareX and PicGo files; shared by both pages. */
function downloadButtons(ctx: ViewContext, hiddenKey: string | null): string {
  const { t } = ctx;
  const keyField = hiddenKey === null ? '' : `<input type="hidden" name="key" value="${e(hiddenKey)}">`;
  return `<div class="tool-downloads">
<div class="tool">
<h4>${e(t('apikeys.sharex.title'))}</h4>
<p>${e(t('apikeys.sharex.help'))}</p>
<button type="submit" formaction="/settings/api/sharex">${e(t('apikeys.sharex.download'))}</button>
</div>
<div class="tool">
<h4>${e(t('apikeys.picgo.title'))}</h4>
<p>${e(t('apikeys.picgo.help'))}</p>
<button type="submit" formaction="/settings/api/picgo">${e(t('apikeys.picgo.download'))}</button>
</div>
</div>${keyField}`;
}

export function keysView(ctx: ViewContext, input: KeysPageInput): View {
  const { t } = ctx;
  const rows = input.keys
    .map((k) => {
      const status = k.revokedAt
        ? `<span class="status revoked">${e(t('apikeys.status.revoked'))} ${time(k.revokedAt, input.timeZone)}</span>`
        : `<span class="status active">${e(t('apikeys.status.active'))}</span>`;
      const action = k.revokedAt
        ? ''
        : `<form method="post" action="/settings/api/${e(encodeURIComponent(k.encodedId))}/revoke">${csrfField(ctx.csrf)}<button class="danger" type="submit" aria-label="${e(t('apikeys.revokeLabel', { label: k.label, prefix: k.prefix }))}">${e(t('apikeys.revoke'))}</button></form>`;
      return `<tr>
<td data-label="${e(t('apikeys.col.key'))}"><code class="key-prefix">${e(k.prefix)}…</code></td>
<td data-label="${e(t('apikeys.col.label'))}">${e(k.label)}</td>
<td data-label="${e(t('apikeys.col.created'))}">${time(k.createdAt, input.timeZone)}</td>
<td data-label="${e(t('apikeys.col.lastUsed'))}">${k.lastUsedAt ? time(k.lastUsedAt, input.timeZone) : e(t('apikeys.never'))}</td>
<td data-label="${e(t('apikeys.col.status'))}">${status}</td>
<td>${action}</td>
</tr>`;
    })
    .join('');
  const table = input.keys.length
    ? `<div class="table-wrap"><table class="keys">
<caption class="skip">${e(t('apikeys.list.heading'))}</caption>
<thead><tr><th scope="col">${e(t('apikeys.col.key'))}</th><th scope="col">${e(t('apikeys.col.label'))}</th><th scope="col">${e(t('apikeys.col.created'))}</th><th scope="col">${e(t('apikeys.col.lastUsed'))}</th><th scope="col">${e(t('apikeys.col.status'))}</th><th scope="col"><span class="skip">${e(t('apikeys.col.actions'))}</span></th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`
    : `<p>${e(t('apikeys.list.empty'))}</p>`;
  const hasActive = input.keys.some((k) => !k.revokedAt);
  const saved = hasActive
    ? `<h3>${e(t('apikeys.saved.heading'))}</h3>
<form method="post" action="/settings/api/sharex" class="saved-key">
${csrfField(ctx.csrf)}
<p class="hint">${e(t('apikeys.saved.help'))}</p>
<label for="saved-key">${e(t('apikeys.saved.key'))}</label>
<input id="saved-key" type="password" name="key" autocomplete="off" spellcheck="false" required maxlength="200">
${downloadButtons(ctx, null)}
</form>`
    : '';
  const notice = (input.notice.ok ? okNotice(t(input.notice.ok)) : '') + (input.notice.error ? errorNotice(t(input.notice.error, input.notice.errorVars)) : '');
  const content = `<h2 id="settings-heading">${e(t('apikeys.title'))}</h2>
${notice}
<p>${withLink(t('apikeys.intro'), 'endpoint', `<code>${e(input.uploadUrl)}</code>`)}</p>
<ul class="api-links"><li><a href="/api-v1">${e(t('apiDocs.settingsLink'))}</a></li><li><a href="/api-v1/clients">${e(t('apiDocs.more.clients'))}</a></li></ul>
<h3>${e(t('apikeys.create.heading'))}</h3>
<form method="post" action="/settings/api" class="create-key">
${csrfField(ctx.csrf)}
<label for="key-label">${e(t('apikeys.create.label'))}</label>
<input id="key-label" type="text" name="label" maxlength="100" required aria-describedby="key-label-hint">
<p class="hint" id="key-label-hint">${e(t('apikeys.create.labelHint'))}</p>
<p><button class="primary" type="submit">${e(t('apikeys.create.submit'))}</button></p>
</form>
<h3>${e(t('apikeys.list.heading'))}</h3>
${table}
${saved}`;
  return settingsView(ctx, 'api', content);
}

/** The only time the plaintext key is on a page. */
export function keyCreatedView(ctx: ViewContext, input: { key: string; label: string; uploadUrl: string }): View {
  const { t } = ctx;
  const content = `<h2 id="settings-heading">${e(t('apikeys.created.title'))}</h2>
${okNotice(t('apikeys.created.done', { label: input.label }))}
<p class="notice"><strong>${e(t('apikeys.created.once'))}</strong></p>
<label for="new-key">${e(t('apikeys.created.keyLabel', { label: input.label }))}</label>
<div class="code-row">
<input id="new-key" class="link" type="text" readonly value="${e(input.key)}" spellcheck="false" autocomplete="off">
<button type="button" data-copy-target="new-key" data-copied-label="${e(t('common.copied'))}">${e(t('common.copy'))}</button>
</div>
<p class="hint">${withLink(t('apikeys.created.usage'), 'endpoint', `<code>${e(input.uploadUrl)}</code>`)}</p>
<h3>${e(t('apikeys.tools.heading'))}</h3>
<form method="post" action="/settings/api/sharex" class="key-tools">
${csrfField(ctx.csrf)}
${downloadButtons(ctx, input.key)}
</form>
<p><a href="/settings/api">${e(t('apikeys.created.back'))}</a></p>`;
  return { ...settingsView(ctx, 'api', content), scripts: ['copy.js'] };
}
