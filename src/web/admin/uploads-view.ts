import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { AdminImageRow } from '../../ports/admin-repository.js';
import { bytes, formatDate, pager, postButton, type AdminViewContext } from './admin-layout.js';

export interface UploadsData {
  readonly images: readonly AdminImageRow[];
  readonly page: number;
  readonly hasNext: boolean;
  readonly timeZone: string;
  /** The moderation queue: approve buttons, and a different empty state. */
  readonly queue: boolean;
  readonly moderation: 'off' | 'all' | 'guest';
  readonly mediaUrl: (key: string) => string;
  readonly viewerPath: (image: AdminImageRow) => string;
}

function tile(ctx: AdminViewContext, image: AdminImageRow, data: UploadsData): string {
  const { t, lang } = ctx;
  const title = image.title ?? image.filename;
  const thumb = image.thumbKey
    ? `<img src="${e(data.mediaUrl(image.thumbKey))}" alt="" loading="lazy" width="160" height="160">`
    : `<span class="admin-nothumb" aria-hidden="true">${e(image.kind)}</span>`;
  const owner = image.username
    ? `<a href="/user/${e(encodeURIComponent(image.username))}">${e(image.username)}</a>`
    : e(t('admin.uploads.guest'));
  const back = data.queue ? 'moderation' : 'uploads';
  const fields = { page: String(data.page), back };
  const approve = image.isApproved
    ? ''
    : data.queue
      ? postButton(ctx, { action: `/dashboard/moderation/${image.id}/approve`, label: t('admin.moderation.approve'), className: 'primary', fields })
      : `<span class="badge warn">${e(t('admin.uploads.unapproved'))}</span>`;
  const remove = postButton(ctx, {
    action: `/dashboard/uploads/${image.id}/delete`,
    label: t('common.delete'),
    className: 'danger',
    confirm: t('admin.uploads.deleteConfirm', { title }),
    fields,
  });
  return `<li class="admin-tile" id="upload-${image.id}">
<a href="${e(data.viewerPath(image))}">${thumb}<span class="caption">${e(title)}</span></a>
<p class="meta">${owner} · ${e(bytes(image.size))}${image.kind === 'video' ? ` · ${e(t('admin.uploads.video'))}` : ''}<br>${e(formatDate(image.uploadedAt, lang, data.timeZone))}</p>
<div class="admin-actions">${approve}${remove}</div>
</li>`;
}

/** Every upload, newest first (or the moderation queue), as a thumbnail grid with actions. */
export function uploadsContent(ctx: AdminViewContext, data: UploadsData): string {
  const { t } = ctx;
  const intro = data.queue
    ? `<p class="meta">${e(t('admin.moderation.intro', { mode: t(`admin.choice.moderation.${data.moderation}`) }))}</p>`
    : '';
  if (data.images.length === 0) {
    return `${intro}<p>${e(t(data.queue ? 'admin.moderation.empty' : 'admin.uploads.none'))}</p>${pager(ctx, data.queue ? '/dashboard/moderation' : '/dashboard/uploads', data.page, false)}`;
  }
  return `${intro}<ul class="grid admin-grid">
${data.images.map((image) => tile(ctx, image, data)).join('\n')}
</ul>
${pager(ctx, data.queue ? '/dashboard/moderation' : '/dashboard/uploads', data.page, data.hasNext)}`;
}
