import { escapeHtmlStrict as e } from '../domain/format.js';
import type { Translate } from './i18n/index.js';
import type { UploaderConfig } from './client/uploader-types.js';

/**
 * The uploader's HTML (SPEC-API §4.1): the drop area, the queue with the options for every file, the
 * progress heading, the result area and the dialogs. `uploader.js` brings it to life; the settings
 * travel in a JSON block, which the CSP allows because it is data, never executed.
 */
export function renderUploader(t: Translate, config: UploaderConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const browse = `<button type="button" class="linklike" id="up-browse">${e(t('upload.browseLink'))}</button>`;
  const addUrls = `<button type="button" class="linklike" id="up-add-urls">${e(t('upload.addUrls'))}</button>`;
  const also = config.urlUploads ? fill(t('upload.browseOrUrls'), { browse, addUrls }) : fill(t('upload.browse'), { browse });
  const formats = e(t('upload.formats', { formats: config.formats.join(' '), size: config.maxLabel }));
  const accept = [...config.extensions.map((x) => `.${x}`), ...config.mimeTypes].join(',');
  const customize = fill(t('upload.customizeClick'), { clicking: `<strong>${e(t('upload.clicking'))}</strong>` });
  const expirationOptions = (selected: string) =>
    config.expirations.map((x) => `<option value="${e(x.value)}"${x.value === selected ? ' selected' : ''}>${e(x.label)}</option>`).join('');
  const albumOptions = (selected: string) =>
    `<option value="">${e(t('upload.field.noAlbum'))}</option>${config.albums.map((a) => `<option value="${e(a.id)}"${a.id === selected ? ' selected' : ''}>${e(a.name)}</option>`).join('')}`;
  const user = !config.guest;
  const hasAlbums = user && config.albums.length > 0;

  const batch = `<fieldset class="up-batch">
<legend>${e(t('upload.batchTitle'))}</legend>
${user ? `<label for="up-batch-tags">${e(t('upload.field.tags'))}</label><input type="text" id="up-batch-tags" maxlength="2000" aria-describedby="up-batch-tags-hint"><p class="meta" id="up-batch-tags-hint">${e(t('upload.field.tagsHint'))}</p>` : ''}
${hasAlbums ? `<label for="up-batch-album">${e(t('upload.field.album'))}</label><select id="up-batch-album">${albumOptions(config.preselectedAlbum)}</select>` : ''}
<label for="up-batch-expiration">${e(t('upload.field.expiration'))}</label><select id="up-batch-expiration">${expirationOptions(config.defaultExpiration)}</select>
<label class="up-check"><input type="checkbox" id="up-batch-nsfw"> ${e(t('upload.field.nsfw'))}</label>
</fieldset>`;

  const editDialog = `<dialog id="up-edit-dialog" aria-labelledby="up-edit-heading">
<form method="dialog" id="up-edit-form">
<h2 id="up-edit-heading">${e(t('upload.editTitle'))}</h2>
<p class="meta" id="up-edit-name"></p>
<label for="up-edit-title">${e(t('upload.field.title'))}</label><input type="text" id="up-edit-title" maxlength="100" placeholder="${e(t('upload.field.titlePlaceholder'))}">
<label for="up-edit-description">${e(t('upload.field.description'))}</label><textarea id="up-edit-description" maxlength="65535"></textarea>
${user ? `<label for="up-edit-tags">${e(t('upload.field.tags'))}</label><input type="text" id="up-edit-tags" maxlength="2000">` : ''}
${hasAlbums ? `<label for="up-edit-album">${e(t('upload.field.album'))}</label><select id="up-edit-album">${albumOptions('')}</select>` : ''}
<label for="up-edit-expiration">${e(t('upload.field.expiration'))}</label><select id="up-edit-expiration">${expirationOptions(config.defaultExpiration)}</select>
<label for="up-edit-width">${e(t('upload.field.width'))}</label><input type="number" id="up-edit-width" min="16" step="1" inputmode="numeric" aria-describedby="up-edit-width-hint">
<p class="meta" id="up-edit-width-hint"></p>
<label class="up-check"><input type="checkbox" id="up-edit-nsfw"> ${e(t('upload.field.nsfw'))}</label>
<p class="up-actions"><button type="submit" class="primary" value="save">${e(t('common.save'))}</button> <button type="submit" value="cancel" formnovalidate>${e(t('common.cancel'))}</button></p>
</form>
</dialog>`;

  const urlsDialog = config.urlUploads
    ? `<dialog id="up-urls-dialog" aria-labelledby="up-urls-heading">
<form method="dialog" id="up-urls-form">
<h2 id="up-urls-heading">${e(t('upload.urlsTitle'))}</h2>
<label for="up-urls-text">${e(t('upload.urlsLabel'))}</label><textarea id="up-urls-text" rows="6" placeholder="https://"></textarea>
<p class="up-actions"><button type="submit" class="primary" value="add">${e(t('upload.urlsAdd'))}</button> <button type="submit" value="cancel" formnovalidate>${e(t('common.cancel'))}</button></p>
</form>
</dialog>`
    : '';

  const albumDialog = config.canCreateAlbum
    ? `<dialog id="up-album-dialog" aria-labelledby="up-album-heading">
<form method="dialog" id="up-album-form">
<h2 id="up-album-heading">${e(t('upload.album.title'))}</h2>
<label for="up-album-name">${e(t('upload.album.name'))}</label><input type="text" id="up-album-name" maxlength="100" required>
<label for="up-album-description">${e(t('upload.album.description'))}</label><textarea id="up-album-description" maxlength="5000"></textarea>
<label for="up-album-privacy">${e(t('upload.album.privacy'))}</label><select id="up-album-privacy">
<option value="public">${e(t('upload.album.public'))}</option><option value="private">${e(t('upload.album.private'))}</option>
<option value="private_but_link">${e(t('upload.album.link'))}</option><option value="password">${e(t('upload.album.password'))}</option></select>
<div id="up-album-password-row" hidden><label for="up-album-password">${e(t('upload.album.passwordField'))}</label><input type="password" id="up-album-password" maxlength="200" autocomplete="new-password"></div>
<p class="notice error" id="up-album-error" role="alert" hidden></p>
<p class="up-actions"><button type="submit" class="primary" value="create">${e(t('upload.album.create'))}</button> <button type="submit" value="cancel" formnovalidate>${e(t('common.cancel'))}</button></p>
</form>
</dialog>`
    : '';

  return `<section class="uploader" id="uploader" aria-labelledby="up-heading">
<script type="application/json" id="uploader-config">${json}</script>
<div class="up-drop" id="up-drop">
<h1 id="up-heading">${e(t('upload.dropHere'))}</h1>
<p>${also}</p>
<p class="meta" id="up-formats">${formats}</p>
<label class="visually-hidden" for="up-input">${e(t('upload.chooseFiles'))}</label>
<input type="file" id="up-input" class="visually-hidden" tabindex="-1" multiple accept="${e(accept)}">
<noscript><p class="notice">${e(t('upload.noscript'))}</p></noscript>
</div>
<div id="up-progress-view" hidden>
<h2 id="up-progress-heading" aria-live="polite"></h2>
<p class="meta">${e(t('upload.queueNote'))}</p>
<p><button type="button" id="up-cancel-all">${e(t('upload.cancelRemaining'))}</button></p>
</div>
<div id="up-result" tabindex="-1" hidden></div>
<div id="up-queue-view" hidden>
<p id="up-customize">${customize}</p>
<ul class="up-queue" id="up-queue" aria-label="${e(t('upload.queueLabel'))}"></ul>
<div id="up-options">
${batch}
<p class="up-actions"><button type="button" class="primary" id="up-start">${e(t('upload.button'))}</button> <button type="button" id="up-clear">${e(t('upload.cancel'))}</button></p>
</div>
</div>
${editDialog}
${urlsDialog}
${albumDialog}
<dialog id="up-report-dialog" aria-labelledby="up-report-heading">
<form method="dialog">
<h2 id="up-report-heading"></h2>
<ul id="up-report-list" class="up-report"></ul>
<p class="up-actions"><button type="submit" class="primary">${e(t('upload.close'))}</button></p>
</form>
</dialog>
</section>`;
}

/** Fills `{name}` slots of an already-translated template with HTML parts; the text around is escaped. */
export function fill(template: string, parts: Readonly<Record<string, string>>): string {
  return template
    .split(/(\{\w+\})/)
    .map((piece) => {
      const slot = /^\{(\w+)\}$/.exec(piece);
      const html = slot ? parts[slot[1] ?? ''] : undefined;
      return html ?? e(piece);
    })
    .join('');
}
