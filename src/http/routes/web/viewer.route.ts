import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtmlStrict as e, formatDateTime } from '../../../domain/format.js';
import { isDeleteSecret } from '../../../domain/api-key.js';
import type { PublicIdCodec } from '../../../domain/public-id.js';
import type { Database, ImageRecord } from '../../../ports/repositories.js';
import type { DeletionService } from '../../../services/deletion.service.js';
import type { UrlBuilder } from '../../../services/url-builder.js';
import type { WebKit } from '../../web/web-kit.js';

export interface ViewerRouteDeps {
  readonly db: Database;
  readonly ids: PublicIdCodec;
  readonly urls: UrlBuilder;
  readonly deletion: DeletionService;
  readonly routes: { readonly image: string; readonly video: string };
  readonly timeZone: string;
  readonly kit: WebKit;
}

/**
 * The routes behind the URLs the API hands out (SPEC-API A14, A15): the viewer page, the short URL and
 * non-canonical slugs (redirected), and the delete link (GET confirms, POST or DELETE deletes).
 */
export function registerViewerRoutes(app: FastifyInstance, deps: ViewerRouteDeps): void {
  const { kit } = deps;

  const load = async (idText: string): Promise<ImageRecord | null> => {
    const id = deps.ids.decode(idText);
    if (id === null) return null;
    const image = await deps.db.images.findById(id);
    return image && image.status === 'active' ? image : null;
  };

  const viewer = async (request: FastifyRequest<{ Params: { slugId: string } }>, reply: FastifyReply) => {
    const segment = request.params.slugId;
    const image = await load(segment.slice(segment.lastIndexOf('.') + 1));
    if (!image) return kit.notFound(request, reply);
    const canonical = deps.urls.viewerPath(image);
    const requested = request.url.split('?')[0] ?? '';
    if (requested !== canonical) return reply.redirect(canonical, 302);
    if (!image.isApproved) {
      return kit.page(request, reply, 403, { title: 'Awaiting approval', body: '<h1>Awaiting approval</h1><p>This upload must be approved by a moderator first.</p>' });
    }
    if (request.method === 'GET') await deps.db.images.incrementViews(image.id);
    return kit.page(request, reply, 200, renderViewer(image, deps));
  };

  const deletePage = async (request: FastifyRequest<{ Params: { id: string; secret: string } }>, reply: FastifyReply) => {
    const { id, secret } = request.params;
    const image = await load(id);
    if (!image || !isDeleteSecret(secret) || !(await deps.deletion.verifySecret(image.id, secret))) return kit.notFound(request, reply);
    const title = image.title ?? `${image.name}.${image.extension}`;
    if (request.method === 'GET' || request.method === 'HEAD') {
      // Link previews fetch URLs: GET only asks, so a chat app cannot delete anything (SPEC-API A14).
      const body = `<h1>Delete this upload?</h1>
<p><strong>${e(title)}</strong></p>
<p class="meta">This removes the file and every link to it. It cannot be undone.</p>
<form method="post" action="${e(request.url.split('?')[0] ?? '')}"><button class="danger" type="submit">Delete</button></form>`;
      return kit.page(request, reply, 200, { title: 'Delete upload', body, head: '<meta name="robots" content="noindex">' });
    }
    await deps.deletion.deleteImage(image.id);
    request.log.info({ imageId: image.id }, 'upload deleted through its delete link');
    if (request.method === 'DELETE') {
      return reply.header('cache-control', 'no-store').send({ status_code: 200, success: { message: 'file deleted', code: 200 }, status_txt: 'OK' });
    }
    return kit.page(request, reply, 200, { title: 'Deleted', body: '<h1>Deleted</h1><p>The upload was deleted.</p>' });
  };

  for (const route of new Set([deps.routes.image, deps.routes.video])) {
    app.get(`/${route}/:slugId`, viewer);
    app.route({ method: ['GET', 'POST', 'DELETE'], url: `/${route}/:id/delete/:secret`, handler: deletePage });
  }
}

function renderViewer(image: ImageRecord, deps: ViewerRouteDeps): { title: string; body: string; head: string } {
  const { urls } = deps;
  const file = (kind: string) => image.files.find((f) => f.kind === kind);
  const main = file('image');
  const direct = main ? urls.mediaUrl(main.key) : '';
  const title = image.title ?? `${image.name}.${image.extension}`;
  const frame = file('frame');
  const medium = file('medium');
  let media: string;
  if (image.kind === 'video') {
    const poster = frame ? ` poster="${e(urls.mediaUrl(frame.key))}"` : '';
    media = `<video class="media" controls preload="metadata"${poster} src="${e(direct)}" width="${image.width}" height="${image.height}"></video>`;
  } else {
    const shown = medium && !image.isAnimated ? urls.mediaUrl(medium.key) : direct;
    media = `<a href="${e(direct)}"><img class="media" src="${e(shown)}" alt="${e(title)}"></a>`;
  }
  const description = image.description ? `<p>${e(image.description)}</p>` : '';
  const tags = image.tags.length ? `<p class="meta">Tags: ${image.tags.map((t) => e(t)).join(', ')}</p>` : '';
  const expires = image.expiresAt ? `<p class="meta">This upload will be removed on ${e(formatDateTime(image.expiresAt, deps.timeZone))}.</p>` : '';
  const ogImage = frame ? urls.mediaUrl(frame.key) : medium ? urls.mediaUrl(medium.key) : direct;
  const head = [
    `<meta property="og:title" content="${e(title)}">`,
    `<meta property="og:url" content="${e(urls.viewerUrl(image))}">`,
    `<meta property="og:image" content="${e(ogImage)}">`,
    image.kind === 'video' ? `<meta property="og:video" content="${e(direct)}">` : '',
    `<meta name="twitter:card" content="summary_large_image">`,
    `<link rel="canonical" href="${e(urls.viewerUrl(image))}">`,
  ].join('\n');
  const body = `<h1>${e(title)}</h1>
${media}
${description}
${tags}
<p class="meta">${image.width}×${image.height} · uploaded ${e(formatDateTime(image.date, deps.timeZone))} · ${image.views + 1} views</p>
${expires}
<p><label>Direct link <input class="link" readonly value="${e(direct)}"></label></p>
<p><label>Viewer link <input class="link" readonly value="${e(urls.viewerUrl(image))}"></label></p>`;
  return { title, body, head };
}
