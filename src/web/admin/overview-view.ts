import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { SiteStats } from '../../ports/admin-repository.js';
import type { DiskUsage } from '../../lib/disk-usage.js';
import { bytes, formatNumber, type AdminViewContext } from './admin-layout.js';

export interface OverviewData {
  readonly stats: SiteStats & { readonly pendingJobs: number };
  readonly disk: DiskUsage | null;
  readonly moderation: 'off' | 'all' | 'guest';
}

function card(label: string, value: string, detail = '', id = ''): string {
  return `<div class="admin-stat"${id ? ` id="${e(id)}"` : ''}><dt>${e(label)}</dt><dd class="admin-stat-value">${e(value)}</dd>${detail ? `<dd class="meta">${detail}</dd>` : ''}</div>`;
}

/** Counts, storage and disk use of the data directory's file system. */
export function overviewContent(ctx: AdminViewContext, data: OverviewData): string {
  const { t, lang } = ctx;
  const { stats, disk } = data;
  const n = (value: number) => formatNumber(value, lang);
  const cards = [
    card(t('admin.stats.users'), n(stats.users), e(t('admin.stats.usersDetail', { admins: n(stats.admins), disabled: n(stats.disabledUsers) })), 'stat-users'),
    card(t('admin.stats.images'), n(stats.images), '', 'stat-images'),
    card(t('admin.stats.videos'), n(stats.videos), '', 'stat-videos'),
    card(t('admin.stats.albums'), n(stats.albums), '', 'stat-albums'),
    card(t('admin.stats.storage'), bytes(stats.storedBytes), e(t('admin.stats.storageDetail', { originals: bytes(stats.originalBytes) })), 'stat-storage'),
    card(t('admin.stats.jobs'), n(stats.pendingJobs), '', 'stat-jobs'),
    card(
      t('admin.stats.unapproved'),
      n(stats.unapproved),
      stats.unapproved > 0 ? `<a href="/dashboard/moderation">${e(t('admin.stats.review'))}</a>` : '',
      'stat-unapproved',
    ),
  ];
  let diskSection: string;
  if (disk) {
    const percent = disk.total > 0 ? Math.round((disk.used / disk.total) * 100) : 0;
    diskSection = `<section class="admin-disk" aria-labelledby="disk-heading">
<h2 id="disk-heading">${e(t('admin.disk.title'))}</h2>
<p><label for="disk-meter">${e(t('admin.disk.used', { used: bytes(disk.used), total: bytes(disk.total), percent }))}</label>
<meter id="disk-meter" min="0" max="${disk.total}" low="${Math.round(disk.total * 0.8)}" high="${Math.round(disk.total * 0.9)}" optimum="0" value="${disk.used}">${percent}%</meter></p>
<p class="meta">${e(t('admin.disk.free', { free: bytes(disk.free) }))}</p>
</section>`;
  } else {
    diskSection = `<p class="meta">${e(t('admin.disk.unknown'))}</p>`;
  }
  const moderation = `<p class="meta">${e(t('admin.overview.moderation', { mode: t(`admin.choice.moderation.${data.moderation}`) }))} · <a href="/dashboard/settings">${e(t('admin.nav.settings'))}</a></p>`;
  return `<dl class="admin-stats">${cards.join('\n')}</dl>
${diskSection}
${moderation}`;
}
