import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { Translate } from '../i18n/index.js';

/**
 * A block of code with a copy button (copy.js). `recipe` names it for the tests that replay what it
 * shows; `keyTemplate` marks text whose key placeholder api-clients.js may fill in.
 */
export function codeBlock(t: Translate, text: string, options: { label: string; recipe?: string; keyTemplate?: boolean }): string {
  const id = options.recipe ? `code-${options.recipe}` : '';
  const pre = `<pre class="api-code" tabindex="0" aria-label="${e(options.label)}"${id ? ` id="${e(id)}" data-recipe="${e(options.recipe ?? '')}"` : ''}><code${options.keyTemplate ? ' data-key-template' : ''}>${e(text)}</code></pre>`;
  if (!id) return pre;
  return `<div class="code-block">${pre}<button type="button" class="copy" data-copy-target="${e(id)}" data-copied-label="${e(t('common.copied'))}" aria-label="${e(`${t('common.copy')}: ${options.label}`)}">${e(t('common.copy'))}</button></div>`;
}
