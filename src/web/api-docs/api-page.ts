import { STATUS_CODES } from 'node:http';
import { escapeHtmlStrict as e } from '../../domain/format.js';
import { errorCatalogue, type ErrorCode } from '../../errors/catalogue.js';
import type { Language, Translate } from '../i18n/index.js';
import { errorHintsZhCN } from '../i18n/error-hints.zh-CN.js';
import { describeParameters, TYPE_KEYS } from './parameters.js';
import type { ApiSiteFacts } from './site-facts.js';
import { codeBlock } from './code-block.js';

export const KEY_PLACEHOLDER = 'YOUR_API_KEY';

/** The example call, as arguments (tests run exactly these) and as the line shown on the page. */
export function curlExample(uploadUrl: string, key: string, file: string): { args: string[]; text: string } {
  const args = ['--fail-with-body', '-X', 'POST', '-H', `X-API-Key: ${key}`, '-F', `source=@${file}`, uploadUrl];
  const text = `curl --fail-with-body -X POST \\\n  -H "X-API-Key: ${key}" \\\n  -F "source=@${file}" \\\n  ${uploadUrl}`;
  return { args, text };
}

/** Text with `code` spans (the catalogue's hints) as HTML. */
export function inlineCode(text: string): string {
  return e(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export interface ApiPageInput {
  readonly t: Translate;
  readonly lang: Language;
  readonly facts: ApiSiteFacts;
  /** null for a guest; for a user, the public prefix of their newest active key, or '' when none. */
  readonly keyPrefix: string | null;
  readonly sample: Record<string, unknown>;
}

const section = (id: string, title: string, body: string) => `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${e(title)}</h2>\n${body}\n</section>`;

function keySection(input: ApiPageInput): string {
  const { t, keyPrefix } = input;
  if (keyPrefix === null) {
    const login = `<a href="/login?next=${e(encodeURIComponent('/api-v1'))}">${e(t('apiDocs.keyId.login'))}</a>`;
    return `<p>${e(t('apiDocs.keyId.guest')).replace('{login}', login)}</p>`;
  }
  const manage = `<p><a class="button" href="/settings/api">${e(t('apiDocs.keyId.manage'))}</a></p>`;
  if (keyPrefix === '') return `<p>${e(t('apiDocs.keyId.none'))}</p>\n${manage}`;
  return `<p>${e(t('apiDocs.keyId.yours'))} <code class="key-id" data-key-id>${e(keyPrefix)}</code></p>
<p class="meta">${e(t('apiDocs.keyId.secretNote'))}</p>
${manage}`;
}

function parametersTable(input: ApiPageInput): string {
  const { t, facts } = input;
  const rows = describeParameters(facts, t).map((p) => {
    const presence = t(p.presence === 'required' ? 'apiDocs.params.required' : p.presence === 'adminOnly' ? 'apiDocs.params.adminOnly' : 'apiDocs.params.optional');
    const def = p.defaultValue === null ? e(t('apiDocs.params.none')) : 'literal' in p.defaultValue ? `<code>${e(p.defaultValue.literal)}</code>` : e(t(p.defaultValue.key));
    return `<tr id="param-${e(p.name)}"><th scope="row"><code>${e(p.name)}</code><br><span class="meta">${e(presence)}</span></th><td>${e(t(TYPE_KEYS[p.type]))}</td><td>${def}</td><td>${e(p.description)}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="api-params">
<thead><tr><th scope="col">${e(t('apiDocs.params.name'))}</th><th scope="col">${e(t('apiDocs.params.type'))}</th><th scope="col">${e(t('apiDocs.params.default'))}</th><th scope="col">${e(t('apiDocs.params.meaning'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

function errorsSection(input: ApiPageInput): string {
  const { t, lang } = input;
  const envelope = { status_code: 413, error: { message: `File too big - max ${input.facts.maxBytes / 1_000_000} MB`, code: 400 }, status_txt: STATUS_CODES[413] };
  const rows = (Object.entries(errorCatalogue) as [ErrorCode, (typeof errorCatalogue)[ErrorCode]][]).map(([code, entry]) => {
    const hint = lang === 'zh-CN' ? errorHintsZhCN[code] ?? entry.hint : entry.hint;
    return `<tr id="error-${e(code)}"><td>${entry.status}</td><td>${entry.chevereto}</td><td>${e(entry.message)}<br><code class="meta">${e(code)}</code></td><td>${inlineCode(hint)}</td></tr>`;
  });
  return `<p>${e(t('apiDocs.errors.body'))}</p>
${codeBlock(t, JSON.stringify(envelope, null, 2), { label: t('apiDocs.errors.heading'), recipe: 'error-envelope' })}
<p>${e(t('apiDocs.errors.code'))}</p>
<p>${e(t('apiDocs.errors.retry'))}</p>
<div class="table-scroll"><table class="api-errors">
<thead><tr><th scope="col">${e(t('apiDocs.errors.status'))}</th><th scope="col">${e(t('apiDocs.errors.chevereto'))}</th><th scope="col">${e(t('apiDocs.errors.message'))}</th><th scope="col">${e(t('apiDocs.errors.todo'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/** The body of `/api-v1`: the seed's API page in our own words, with this site's values. */
export function renderApiPage(input: ApiPageInput): string {
  const { t, facts, sample } = input;
  const envelope = { status_code: 200, success: { message: 'file uploaded', code: 200 }, image: sample, status_txt: 'OK' };
  const curl = curlExample(facts.uploadUrl, KEY_PLACEHOLDER, 'example.jpg');
  const sections: [string, string, string][] = [
    ['key', t('apiDocs.keyId.heading'), keySection(input)],
    ['method', t('apiDocs.method.heading'), `<p>${e(t('apiDocs.method.body'))}</p>\n<p>${e(t('apiDocs.method.recommend'))}</p>`],
    ['url', t('apiDocs.url.heading'), `${codeBlock(t, facts.uploadUrl, { label: t('apiDocs.url.heading'), recipe: 'upload-url' })}\n<p class="meta">${e(t('apiDocs.url.note'))}</p>`],
    ['auth', t('apiDocs.auth.heading'), `<p>${e(t('apiDocs.auth.body'))}</p>\n${codeBlock(t, `X-API-Key: ${KEY_PLACEHOLDER}`, { label: t('apiDocs.auth.heading') })}`],
    ['parameters', t('apiDocs.params.heading'), parametersTable(input)],
    ['example', t('apiDocs.example.heading'), `${codeBlock(t, curl.text, { label: t('apiDocs.example.heading'), recipe: 'curl' })}\n<p class="meta">${e(t('apiDocs.example.note'))}</p>`],
    [
      'response',
      t('apiDocs.response.heading'),
      `<p>${e(t('apiDocs.response.body'))}</p>
<p>${e(t('apiDocs.response.imgbb'))}</p>
<h3>${e(t('apiDocs.response.json'))}</h3>
${codeBlock(t, JSON.stringify(envelope, null, 2), { label: t('apiDocs.response.json'), recipe: 'response-json' })}
<h3>${e(t('apiDocs.response.txt'))}</h3>
<p class="meta">${e(t('apiDocs.response.txtNote'))}</p>
${codeBlock(t, String(sample.url ?? ''), { label: t('apiDocs.response.txt'), recipe: 'response-txt' })}
<h3>${e(t('apiDocs.response.redirect'))}</h3>
<p class="meta">${e(t('apiDocs.response.redirectNote'))}</p>
${codeBlock(t, `HTTP/1.1 302 Found\nLocation: ${String(sample.path_viewer ?? '')}`, { label: t('apiDocs.response.redirect'), recipe: 'response-redirect' })}`,
    ],
    ['errors', t('apiDocs.errors.heading'), errorsSection(input)],
    [
      'more',
      t('apiDocs.more.heading'),
      `<ul>
<li><a href="/api-v1/clients">${e(t('apiDocs.more.clients'))}</a></li>
<li><a href="/openapi.json">${e(t('apiDocs.more.openapi'))}</a></li>
</ul>
<p>${e(t('apiDocs.more.cli'))}</p>
${codeBlock(t, `pinhole upload --server ${facts.baseUrl} --key ${KEY_PLACEHOLDER} photo.jpg`, { label: t('apiDocs.more.cli'), recipe: 'cli' })}`,
    ],
  ];
  const toc = sections.map(([id, title]) => `<li><a href="#${id}">${e(title)}</a></li>`).join('');
  return `<article class="api-doc">
<h1>${e(t('apiDocs.title'))}</h1>
<p class="lead">${e(t('apiDocs.intro'))}</p>
<nav class="api-toc" aria-label="${e(t('apiDocs.toc'))}"><ol>${toc}</ol></nav>
${sections.map(([id, title, body]) => section(id, title, body)).join('\n')}
</article>`;
}
