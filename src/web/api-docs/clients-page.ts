import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { Language, Translate } from '../i18n/index.js';
import { KEY_PLACEHOLDER } from './api-page.js';
import { codeBlock } from './code-block.js';
import {
  bookmarkletCode,
  cliExample,
  fileCurlText,
  flameshotScript,
  PICGO_PLUGIN,
  picGoConfig,
  picgoWebUploaderFields,
  shareXConfig,
  upicHost,
} from './client-recipes.js';

export interface ClientsPageInput {
  readonly t: Translate;
  readonly lang: Language;
  readonly baseUrl: string;
  /** null for guests; the public prefix of the user's newest key, or '' when none. */
  readonly keyPrefix: string | null;
}


/** A table of settings: [stable field id (tests read it), label shown, value]. */
const fields = (t: Translate, rows: readonly (readonly [string, string, string])[], recipe: string) =>
  `<div class="table-scroll"><table class="api-fields" data-recipe="${e(recipe)}"><thead><tr><th scope="col">${e(t('apiClients.field'))}</th><th scope="col">${e(t('apiClients.value'))}</th></tr></thead><tbody>
${rows.map(([id, label, value]) => `<tr data-field="${e(id)}"><th scope="row">${e(label)}</th><td><code data-key-template>${e(value)}</code></td></tr>`).join('\n')}
</tbody></table></div>`;

/** The settings page builds these files from a key its owner pastes (the site keeps only hashes). */
const download = (t: Translate) => `<p><a class="button" href="/settings/api">${e(t('apiClients.download'))}</a></p>`;

/** The body of `/api-v1/clients`. */
export function renderClientsPage(input: ClientsPageInput): string {
  const { t, baseUrl, keyPrefix } = input;
  const key = KEY_PLACEHOLDER;
  const picgo = picGoConfig({ baseUrl, key });
  const upic = upicHost(baseUrl, key);
  const promptText = input.lang === 'zh-CN' ? '图片地址' : 'Image address';
  const bookmarklet = bookmarkletCode(baseUrl, key, promptText);
  const section = (id: string, title: string, body: string) => `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${e(title)}</h2>\n${body}\n</section>`;

  const keyBox =
    keyPrefix === null
      ? ''
      : `<div class="notice">
<label for="api-key-fill">${e(t('apiClients.keyField'))}</label>
<input id="api-key-fill" type="password" autocomplete="off" spellcheck="false" placeholder="${e(keyPrefix || KEY_PLACEHOLDER)}…">
${keyPrefix ? `<p class="meta">${e(t('apiClients.keyHint', { prefix: keyPrefix }))}</p>` : ''}
<p><a href="/settings/api">${e(t('apiClients.keysLink'))}</a></p>
</div>`;

  return `<article class="api-doc">
<h1>${e(t('apiClients.title'))}</h1>
<p class="lead">${e(t('apiClients.intro'))}</p>
<p><a href="/api-v1">${e(t('apiClients.back'))}</a></p>
${keyBox}
${section('sharex', t('apiClients.sharex.heading'), `<p>${e(t('apiClients.sharex.body'))}</p>
${download(t)}
${codeBlock(t, JSON.stringify(shareXConfig({ baseUrl, key }), null, 2), { label: 'pinhole.sxcu', recipe: 'sharex', keyTemplate: true })}`)}
${section('picgo', t('apiClients.picgo.heading'), `<p>${e(t('apiClients.picgo.body')).replace('{plugin}', `<code>${e(PICGO_PLUGIN)}</code>`)}</p>
${download(t)}
${fields(t, picgoWebUploaderFields(picgo).map(([k, v]) => [k, k, v] as const), 'picgo')}`)}
${section('typora', t('apiClients.typora.heading'), `<p>${e(t('apiClients.typora.body'))}</p>
${codeBlock(t, JSON.stringify(picgo, null, 2), { label: '~/.picgo/config.json', recipe: 'picgo-core', keyTemplate: true })}`)}
${section('upic', t('apiClients.upic.heading'), `<p>${e(t('apiClients.upic.body'))}</p>
${fields(
  t,
  [
    ['apiUrl', t('apiClients.upic.apiUrl'), upic.apiUrl],
    ['method', t('apiClients.upic.method'), upic.method],
    ['fileField', t('apiClients.upic.fileField'), upic.fileField],
    ...upic.headers.map((h) => ['header', t('apiClients.upic.header'), `${h.name}: ${h.value}`] as const),
    ['urlPath', t('apiClients.upic.urlPath'), JSON.stringify(upic.urlPath)],
  ],
  'upic',
)}`)}
${section('shell', t('apiClients.shell.heading'), `<p>${e(t('apiClients.shell.body'))}</p>
${codeBlock(t, flameshotScript(baseUrl, key), { label: 'pinhole-shot.sh', recipe: 'flameshot', keyTemplate: true })}
<p>${e(t('apiClients.shell.file'))}</p>
${codeBlock(t, fileCurlText(baseUrl, key, 'photo.jpg'), { label: 'curl', recipe: 'curl-file', keyTemplate: true })}`)}
${section('bookmarklet', t('apiClients.bookmarklet.heading'), `<p>${e(t('apiClients.bookmarklet.body'))}</p>
<p><a class="button bookmarklet" href="${e(bookmarklet)}" data-key-href>${e(t('apiClients.bookmarklet.link'))}</a></p>
<p class="notice error">${e(t('apiClients.bookmarklet.warning'))}</p>
<p>${e(t('apiClients.bookmarklet.code'))}</p>
${codeBlock(t, bookmarklet, { label: t('apiClients.bookmarklet.heading'), recipe: 'bookmarklet', keyTemplate: true })}`)}
${section('cli', t('apiClients.cli.heading'), `<p>${e(t('apiClients.cli.body'))}</p>
${codeBlock(t, cliExample(baseUrl, key), { label: 'pinhole upload', recipe: 'cli', keyTemplate: true })}`)}
</article>`;
}
