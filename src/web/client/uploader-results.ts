/**
 * The three endings of an upload (SPEC-API §4.1): all uploaded, some failed, none uploaded; the links
 * and embed codes of the batch, the error report, and "create new album" with the uploads.
 */
import { byId, copyText, csrfToken, el, fill, maybeId, showDialog, type Translate } from './uploader-dom.js';
import type { QueueItem } from './uploader-queue.js';
import { CSRF_HEADER, type EmbedEntry, type EmbedGroupName, type UploaderConfig } from './uploader-types.js';

const GROUPS: readonly EmbedGroupName[] = ['links', 'html', 'markdown', 'bbcode'];

export interface ResultContext {
  readonly config: UploaderConfig;
  readonly t: Translate;
  /** The album every file went to (batch option), if any. */
  readonly album: { readonly id: string; readonly name: string } | null;
  onRestart(): void;
}

export function renderResults(container: HTMLElement, items: readonly QueueItem[], ctx: ResultContext): void {
  const { t } = ctx;
  const done = items.filter((i) => i.state === 'done' && i.answer?.image);
  const failed = items.filter((i) => i.state === 'failed');
  const report = () => void openReport(t('upload.errorReportTitle'), failed.map((i) => `${i.name} - ${i.error ?? ''}`));
  const reportButton = (label: string) => {
    const button = el('button', { type: 'button', class: 'linklike', id: 'up-open-report', text: label });
    button.addEventListener('click', report);
    return button;
  };
  container.replaceChildren();

  if (done.length === 0) {
    container.append(
      el('h2', { id: 'up-result-heading', text: t('upload.noneUploaded') }),
      el('p', { text: t('upload.someErrors') }),
      el('p', {}, fill(t('upload.checkReport'), { report: reportButton(t('upload.errorReport')) })),
    );
  } else {
    container.append(el('h2', { id: 'up-result-heading', text: t('upload.complete') }));
    container.append(...destination(done, ctx));
    if (failed.length > 0) {
      container.append(el('p', { class: 'notice error', id: 'up-partial-note' }, fill(t('upload.partialNote'), { learnMore: reportButton(t('upload.learnMore')) })));
    }
    container.append(embedPanel(done, t));
  }
  const again = el('button', { type: 'button', id: 'up-restart', text: t('upload.uploadMore') });
  again.addEventListener('click', () => ctx.onRestart());
  container.append(el('p', {}, again));
  container.hidden = false;
  container.focus();
}

/** "Uploaded content added to …", the album offer, and the guest's notice. */
function destination(done: readonly QueueItem[], ctx: ResultContext): HTMLElement[] {
  const { t, config } = ctx;
  const out: HTMLElement[] = [];
  if (!config.guest) {
    const target = ctx.album
      ? el('strong', { text: ctx.album.name })
      : el('a', { href: config.profileUrl ?? '/', text: t('upload.yourUploads') });
    if (config.canCreateAlbum) {
      const create = el('button', { type: 'button', class: 'linklike', id: 'up-create-album', text: t('upload.createAlbum') });
      create.addEventListener('click', () => void createAlbum(done, ctx));
      out.push(el('p', {}, fill(t('upload.addedTo'), { target, create })));
    } else {
      out.push(el('p', {}, fill(t('upload.addedToShort'), { target })));
    }
    return out;
  }
  const login = el('a', { href: '/login?next=%2Fupload', text: t('upload.guestLogin') });
  const notice = config.signups
    ? fill(t('upload.guestNotice'), { signup: el('a', { href: '/signup', text: t('upload.guestSignup') }), login })
    : fill(t('upload.guestNoticeLogin'), { login });
  out.push(el('p', { class: 'notice', id: 'up-guest-notice' }, el('strong', {}, notice)));
  return out;
}

/** A select of every code kind (grouped), the codes of every upload in a read-only textarea, a copy button. */
function embedPanel(done: readonly QueueItem[], t: Translate): HTMLElement {
  const byId = new Map<string, EmbedEntry[]>();
  for (const item of done) {
    for (const entry of item.answer?.embeds ?? []) {
      const list = byId.get(entry.id) ?? [];
      list.push(entry);
      byId.set(entry.id, list);
    }
  }
  const select = el('select', { id: 'up-embed-kind' });
  for (const group of GROUPS) {
    const optgroup = el('optgroup', { label: t(`upload.group.${group}`) });
    for (const [id, entries] of byId) {
      if (entries[0]?.group === group) optgroup.append(el('option', { value: id, text: t(`upload.embed.${id}`) }));
    }
    if (optgroup.children.length > 0) select.append(optgroup);
  }
  const text = el('textarea', { id: 'up-embed-code', readonly: true, rows: Math.min(8, Math.max(2, done.length + 1)), spellcheck: 'false' });
  const note = el('p', { class: 'meta', id: 'up-embed-note', hidden: true, text: t('upload.deleteLinksNote') });
  const status = el('span', { class: 'meta', role: 'status', 'aria-live': 'polite' });
  const copy = el('button', { type: 'button', id: 'up-embed-copy', text: t('common.copy') });
  const show = () => {
    const id = select.value;
    // Thumbnail embeds sit side by side; everything else one per line.
    const separator = id.startsWith('thumb-') && !id.endsWith('-links') ? ' ' : '\n';
    text.value = (byId.get(id) ?? []).map((e) => e.value).join(separator);
    note.hidden = id !== 'delete-links';
    status.textContent = '';
  };
  select.addEventListener('change', show);
  copy.addEventListener('click', () => {
    void copyText(text.value, text).then((ok) => {
      status.textContent = ok ? t('common.copied') : '';
    });
  });
  show();
  return el(
    'section',
    { class: 'up-embeds', 'aria-labelledby': 'up-embeds-heading' },
    el('h3', { id: 'up-embeds-heading', text: t('upload.embedCodes') }),
    el('label', { for: 'up-embed-kind', text: t('upload.embedKind') }),
    select,
    el('label', { for: 'up-embed-code', class: 'visually-hidden', text: t('upload.embedCodes') }),
    text,
    note,
    el('p', { class: 'code-row' }, copy, status),
  );
}

export async function openReport(title: string, lines: readonly string[]): Promise<void> {
  byId('up-report-heading', HTMLElement).textContent = title;
  byId('up-report-list', HTMLUListElement).replaceChildren(...lines.map((line) => el('li', { text: line })));
  await showDialog(byId('up-report-dialog', HTMLDialogElement));
}

/** POST /json/albums with the uploads, then go to the new album. */
async function createAlbum(done: readonly QueueItem[], ctx: ResultContext): Promise<void> {
  const { t } = ctx;
  const dialog = maybeId('up-album-dialog', HTMLDialogElement);
  if (!dialog) return;
  const name = byId('up-album-name', HTMLInputElement);
  const description = byId('up-album-description', HTMLTextAreaElement);
  const privacy = byId('up-album-privacy', HTMLSelectElement);
  const password = byId('up-album-password', HTMLInputElement);
  const passwordRow = byId('up-album-password-row', HTMLElement);
  const error = byId('up-album-error', HTMLElement);
  const syncPassword = () => {
    passwordRow.hidden = privacy.value !== 'password';
    password.required = privacy.value === 'password';
  };
  privacy.onchange = syncPassword;
  syncPassword();
  error.hidden = true;
  for (;;) {
    if ((await showDialog(dialog)) !== 'create') return;
    const body = {
      name: name.value.trim(),
      ...(description.value.trim() ? { description: description.value.trim() } : {}),
      privacy: privacy.value,
      ...(privacy.value === 'password' ? { password: password.value } : {}),
      image_ids: done.map((i) => i.answer?.image?.id_encoded).filter((id): id is string => typeof id === 'string'),
    };
    const reason = await postAlbum(ctx.config.albumsEndpoint, body);
    if (typeof reason !== 'string') {
      window.location.assign(reason.url);
      return;
    }
    error.textContent = t('upload.album.failed', { reason });
    error.hidden = false;
  }
}

async function postAlbum(endpoint: string, body: unknown): Promise<{ url: string } | string> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [CSRF_HEADER]: csrfToken() },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const answer = (await response.json().catch(() => null)) as { album?: { url?: unknown }; error?: { message?: unknown } } | null;
    const url = answer?.album?.url;
    if (response.ok && typeof url === 'string') return { url };
    const message = answer?.error?.message;
    return typeof message === 'string' ? message : `${response.status} ${response.statusText}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
