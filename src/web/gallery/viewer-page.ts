import { durationTime, escapeHtmlStrict as e, formatDateTime, howLongAgo, sizeFormatted } from '../../domain/format.js';
import type { ListedImage } from '../../ports/gallery.js';
import type { Album, ImageRecord, User } from '../../ports/repositories.js';
import { embedCodes, type EmbedGroup } from '../embed-codes.js';
import type { MessageKey } from '../i18n/index.js';
import type { PageOptions } from '../layout.js';
import type { WebContext } from '../../http/web/web-context.js';
import { friendlyExif } from './exif.js';
import { displayTitle, type GridContext } from './grid.js';
import { imageMedia } from './media.js';

export interface ViewerView {
  readonly image: ImageRecord;
  readonly owner: User | null;
  readonly album: Album | null;
  readonly neighbours: { readonly prev: ListedImage | null; readonly next: ListedImage | null } | null;
  readonly canManage: boolean;
  /** The owner's albums, for the editor's album choice. */
  readonly ownerAlbums: readonly Album[];
  readonly views: number;
  readonly notice: MessageKey | null;
  readonly now: Date;
  readonly timeZone: string;
}

const GROUP_LABELS: Readonly<Record<EmbedGroup, MessageKey>> = {
  links: 'viewer.embed.links',
  html: 'viewer.embed.html',
  markdown: 'viewer.embed.markdown',
  bbcode: 'viewer.embed.bbcode',
};

const CODE_LABELS: Readonly<Record<string, MessageKey>> = {
  'viewer-links': 'viewer.embed.viewer-links',
  'direct-links': 'viewer.embed.direct-links',
  'frame-links': 'viewer.embed.frame-links',
  'thumb-links': 'viewer.embed.thumb-links',
  'medium-links': 'viewer.embed.medium-links',
  'html-embed': 'viewer.embed.html-embed',
  'full-html-embed': 'viewer.embed.full-html-embed',
  'medium-html-embed': 'viewer.embed.medium-html-embed',
  'thumb-html-embed': 'viewer.embed.thumb-html-embed',
  'markdown-embed': 'viewer.embed.markdown-embed',
  'full-markdown-embed': 'viewer.embed.full-markdown-embed',
  'medium-markdown-embed': 'viewer.embed.medium-markdown-embed',
  'thumb-markdown-embed': 'viewer.embed.thumb-markdown-embed',
  'bbcode-embed': 'viewer.embed.bbcode-embed',
  'full-bbcode-embed': 'viewer.embed.full-bbcode-embed',
  'medium-bbcode-embed': 'viewer.embed.medium-bbcode-embed',
  'thumb-bbcode-embed': 'viewer.embed.thumb-bbcode-embed',
};

function shareSection(view: ViewerView, ctx: WebContext, g: GridContext): string {
  const { image } = view;
  const m = imageMedia(image, g.urls);
  const codes = embedCodes(
    {
      type: image.kind,
      url: m.direct,
      url_viewer: g.urls.viewerUrl(image),
      url_frame: m.frame ?? '',
      display_title: displayTitle(image),
      thumb: { url: m.thumb },
      medium: { url: m.medium },
    },
    { includeDelete: false },
  );
  const copy = e(ctx.t('common.copy'));
  const copied = e(ctx.t('common.copied'));
  const groups = (['links', 'html', 'markdown', 'bbcode'] as const).map((group) => {
    const rows = codes
      .filter((c) => c.group === group)
      .map((c) => {
        const id = `code-${c.id}`;
        return `<div class="code-row"><label for="${id}">${e(ctx.t(CODE_LABELS[c.id] ?? 'viewer.embed.links'))}</label><input id="${id}" class="link" readonly value="${e(c.value)}"><button type="button" data-copy-target="${id}" data-copied-label="${copied}">${copy}</button></div>`;
      })
      .join('\n');
    const title = e(ctx.t(GROUP_LABELS[group]));
    return group === 'links' ? `<h3>${title}</h3><div class="codes">${rows}</div>` : `<details><summary>${title}</summary><div class="codes">${rows}</div></details>`;
  });
  return `<section class="share" aria-labelledby="share-title"><h2 id="share-title">${e(ctx.t('viewer.share'))}</h2>${groups.join('\n')}</section>`;
}

function editSection(view: ViewerView, ctx: WebContext, g: GridContext, actionBase: string): string {
  const { image } = view;
  const albums = view.ownerAlbums
    .map((a) => `<option value="${e(g.ids.encode(a.id))}"${a.id === image.albumId ? ' selected' : ''}>${e(a.name)}</option>`)
    .join('');
  const csrf = `<input type="hidden" name="_csrf" value="${e(ctx.csrf)}">`;
  return `<section class="owner-tools" aria-label="${e(ctx.t('viewer.ownerTools'))}">
<details class="edit-panel"${view.notice === 'viewer.edit.albumInvalid' ? ' open' : ''}><summary>${e(ctx.t('common.edit'))}</summary>
<form method="post" action="${e(`${actionBase}/edit`)}">${csrf}
<label for="edit-title">${e(ctx.t('viewer.edit.title'))}</label><input id="edit-title" type="text" name="title" maxlength="100" value="${e(image.title ?? '')}">
<label for="edit-description">${e(ctx.t('viewer.edit.description'))}</label><textarea id="edit-description" name="description" maxlength="65535">${e(image.description ?? '')}</textarea>
<label for="edit-tags">${e(ctx.t('viewer.edit.tags'))}</label><input id="edit-tags" type="text" name="tags" value="${e(image.tags.join(', '))}" aria-describedby="edit-tags-hint"><p class="meta" id="edit-tags-hint">${e(ctx.t('viewer.edit.tagsHint'))}</p>
<label for="edit-album">${e(ctx.t('viewer.album'))}</label><select id="edit-album" name="album"><option value="none">${e(ctx.t('albums.none'))}</option>${albums}</select>
<label class="check"><input type="checkbox" name="nsfw" value="1"${image.nsfw ? ' checked' : ''}> ${e(ctx.t('viewer.edit.nsfw'))}</label>
<p><button class="primary" type="submit">${e(ctx.t('common.save'))}</button></p>
</form></details>
<details class="delete-panel"><summary>${e(ctx.t('common.delete'))}</summary>
<form method="post" action="${e(`${actionBase}/delete`)}">${csrf}<p>${e(ctx.t('viewer.delete.warning'))}</p><button class="danger" type="submit">${e(ctx.t('viewer.delete.confirm'))}</button></form>
</details></section>`;
}

function facts(view: ViewerView, ctx: WebContext, g: GridContext): string {
  const { image, owner, album } = view;
  const rows: Array<[MessageKey, string]> = [];
  rows.push(['viewer.owner', owner ? `<a href="${e(g.paths.profile(owner.username))}" rel="author">${e(owner.username)}</a>` : e(ctx.t('viewer.guest'))]);
  if (album) rows.push(['viewer.album', `<a href="${e(g.paths.album(album))}">${e(album.name)}</a>`]);
  const ago = howLongAgo(image.uploadedAt, view.now, ctx.lang === 'zh-CN' ? 'zh-CN' : 'en');
  rows.push(['viewer.uploaded', `<time datetime="${e(image.uploadedAt.toISOString())}">${e(formatDateTime(image.uploadedAt, view.timeZone))}</time> <span class="meta">(${e(ago)})</span>`]);
  rows.push(['viewer.views', e(view.views === 1 ? ctx.t('viewer.viewsOne') : ctx.t('common.views', { count: view.views }))]);
  const dims = `${image.width} × ${image.height} · ${sizeFormatted(image.size)}${image.kind === 'video' ? ` · ${durationTime(image.duration)}` : ''}`;
  rows.push(['viewer.file', e(dims)]);
  if (image.tags.length > 0) {
    rows.push(['viewer.tags', `<ul class="tags">${image.tags.map((tag) => `<li><a href="${e(g.paths.tag(tag))}" rel="tag">${e(tag)}</a></li>`).join('')}</ul>`]);
  }
  if (image.expiresAt) rows.push(['viewer.expires', e(formatDateTime(image.expiresAt, view.timeZone))]);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${e(ctx.t(k))}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function albumNav(view: ViewerView, ctx: WebContext, g: GridContext): string {
  const { album, neighbours } = view;
  if (!album || !neighbours) return '';
  const link = (item: ListedImage | null, rel: 'prev' | 'next', label: MessageKey) =>
    item
      ? `<a class="button" rel="${rel}" href="${e(g.urls.viewerPath(item))}" title="${e(displayTitle(item))}">${e(ctx.t(label))}</a>`
      : `<span class="button disabled" aria-disabled="true">${e(ctx.t(label))}</span>`;
  return `<nav class="album-nav" aria-label="${e(ctx.t('viewer.albumNav'))}">${link(neighbours.prev, 'prev', 'common.previous')}<a href="${e(g.paths.album(album))}">${e(album.name)}</a>${link(neighbours.next, 'next', 'common.next')}</nav>`;
}

/** Open Graph, Twitter card and oEmbed discovery, so shared links unfurl. */
function headTags(view: ViewerView, ctx: WebContext, g: GridContext): string {
  const { image, album } = view;
  const m = imageMedia(image, g.urls);
  const title = displayTitle(image);
  const description = image.description ?? ctx.t(image.kind === 'video' ? 'viewer.og.clip' : 'viewer.og.image', { size: `${image.width}×${image.height}` });
  const viewerUrl = g.urls.viewerUrl(image);
  const oembed = `${g.paths.absolute(`${g.urls.basePath}/oembed`)}?${new URLSearchParams({ url: viewerUrl, format: 'json' }).toString()}`;
  const tags: Array<[string, string, string | number]> = [
    ['property', 'og:type', image.kind === 'video' ? 'video.other' : 'website'],
    ['property', 'og:site_name', 'Pinhole'],
    ['property', 'og:title', title],
    ['property', 'og:description', description.slice(0, 300)],
    ['property', 'og:url', viewerUrl],
    ['property', 'og:image', m.preview.url],
    ['property', 'og:image:width', m.preview.width],
    ['property', 'og:image:height', m.preview.height],
    ['property', 'og:image:alt', title],
  ];
  if (image.kind === 'video') {
    tags.push(['property', 'og:video', m.direct], ['property', 'og:video:type', image.mime], ['property', 'og:video:width', image.width], ['property', 'og:video:height', image.height]);
    if (m.direct.startsWith('https:')) tags.push(['property', 'og:video:secure_url', m.direct]);
    tags.push(
      ['name', 'twitter:card', 'player'],
      ['name', 'twitter:player', m.direct],
      ['name', 'twitter:player:stream', m.direct],
      ['name', 'twitter:player:stream:content_type', image.mime],
      ['name', 'twitter:player:width', image.width],
      ['name', 'twitter:player:height', image.height],
    );
  } else {
    tags.push(['name', 'twitter:card', 'summary_large_image']);
  }
  tags.push(['name', 'twitter:title', title], ['name', 'twitter:description', description.slice(0, 200)], ['name', 'twitter:image', m.preview.url]);
  const hidden = image.nsfw || (album !== null && album.privacy !== 'public');
  return [
    ...tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${e(String(value))}">`),
    `<link rel="canonical" href="${e(viewerUrl)}">`,
    `<link rel="alternate" type="application/json+oembed" href="${e(oembed)}" title="${e(title)}">`,
    hidden ? '<meta name="robots" content="noindex">' : '',
  ].join('\n');
}

export function renderViewerPage(view: ViewerView, ctx: WebContext, g: GridContext): PageOptions {
  const { image } = view;
  const title = displayTitle(image);
  const m = imageMedia(image, g.urls);
  let media: string;
  if (image.kind === 'video') {
    const poster = m.frame ? ` poster="${e(m.frame)}"` : '';
    media = `<video class="media" controls preload="metadata" playsinline${poster} src="${e(m.direct)}" width="${image.width}" height="${image.height}"></video>`;
  } else {
    media = `<a href="${e(m.direct)}" title="${e(ctx.t('viewer.openOriginal'))}"><img class="media" src="${e(m.shown.url)}" alt="${e(title)}" width="${m.shown.width}" height="${m.shown.height}"></a>`;
  }
  const exif = friendlyExif(image.originalExif);
  const exifTable = exif.length
    ? `<section class="exif"><h2>${e(ctx.t('viewer.exif'))}</h2><table><tbody>${exif.map((f) => `<tr><th scope="row">${e(ctx.t(f.label))}</th><td>${e(f.value)}</td></tr>`).join('')}</tbody></table></section>`
    : '';
  const description = image.description
    ? `<div class="description">${e(image.description).replace(/\n/g, '<br>')}</div>`
    : `<p class="meta">${e(ctx.t('viewer.noDescription'))}</p>`;
  const notices = [
    view.notice ? `<p class="notice${view.notice === 'common.saved' ? ' ok' : ' error'}" role="status">${e(ctx.t(view.notice))}</p>` : '',
    image.isApproved ? '' : `<p class="notice">${e(ctx.t('viewer.awaitingApproval'))}</p>`,
  ].join('');
  const actionBase = g.urls.shortUrl(image).replace(new URL(g.urls.baseUrl).origin, '');
  const body = `<article class="viewer">
<h1>${e(title)}</h1>
${notices}
<figure class="viewer-media">${media}</figure>
${albumNav(view, ctx, g)}
<div class="viewer-info">${description}${facts(view, ctx, g)}</div>
${exifTable}
${shareSection(view, ctx, g)}
${view.canManage ? editSection(view, ctx, g, actionBase) : ''}
</article>`;
  return { title, body, head: headTags(view, ctx, g), scripts: ['copy.js', 'gallery.js'] };
}
