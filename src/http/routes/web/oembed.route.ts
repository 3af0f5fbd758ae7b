import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtmlStrict as e } from '../../../domain/format.js';
import type { ImageInContext } from '../../../ports/repositories.js';
import { displayTitle } from '../../../web/gallery/grid.js';
import { imageMedia } from '../../../web/gallery/media.js';
import { findViewable, imageAccess, type GalleryDeps } from './gallery.routes.js';

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 501: 'Not Implemented' };

function fail(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('access-control-allow-origin', '*')
    .type('application/json; charset=utf-8')
    .send({ status_code: status, error: { message, code: status }, status_txt: REASONS[status] ?? 'Error' });
}

/**
 * `GET /oembed?url=<viewer URL>&format=json` (oEmbed 1.0), so chat apps and forums unfurl viewer links:
 * a `photo` (the medium, else the original) or a `video` with a `<video>` player. Only what anyone
 * may see is answered: private, password and unapproved uploads are 404 here.
 */
export function registerOembedRoute(app: FastifyInstance, deps: GalleryDeps): void {
  const origin = new URL(deps.urls.baseUrl).origin;

  const findImage = async (target: string): Promise<ImageInContext | null> => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return null;
    }
    if (url.origin !== origin || !url.pathname.startsWith(`${deps.urls.basePath}/`)) return null;
    const [route, segment, ...rest] = url.pathname.slice(deps.urls.basePath.length + 1).split('/');
    if (!route || !segment || rest.length > 0 || (route !== deps.routes.image && route !== deps.routes.video)) return null;
    const found = await findViewable(deps, segment);
    return found && imageAccess(deps, found, null, []).kind === 'open' ? found : null;
  };

  app.get('/oembed', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const format = request.query.format ?? 'json';
    if (format !== 'json') return fail(reply, 501, 'Only format=json is supported');
    const target = request.query.url;
    if (typeof target !== 'string' || target === '') return fail(reply, 400, 'Missing url');
    const found = await findImage(target);
    if (!found) return fail(reply, 404, 'Not found');
    const { image, owner } = found;
    const m = imageMedia(image, deps.urls);
    const title = displayTitle(image);
    const thumb = image.files.find((f) => f.kind === 'thumb');
    const common: Record<string, unknown> = {
      version: '1.0',
      title,
      provider_name: 'Pinhole',
      provider_url: `${deps.urls.baseUrl}/`,
      cache_age: 3600,
      ...(owner ? { author_name: owner.username, author_url: deps.paths.absolute(deps.paths.profile(owner.username)) } : {}),
      ...(thumb && m.thumb ? { thumbnail_url: m.thumb, thumbnail_width: thumb.width, thumbnail_height: thumb.height } : {}),
    };
    let body: Record<string, unknown>;
    if (image.kind === 'video') {
      const size = fit(image.width, image.height, request.query.maxwidth, request.query.maxheight);
      const poster = m.frame ? ` poster="${e(m.frame)}"` : '';
      const html = `<video src="${e(m.direct)}" controls preload="metadata"${poster} width="${size.width}" height="${size.height}"></video>`;
      body = { type: 'video', ...common, html, width: size.width, height: size.height };
    } else {
      const picture = m.medium ? m.preview : { url: m.direct, width: image.width, height: image.height };
      body = { type: 'photo', ...common, url: picture.url, width: picture.width, height: picture.height };
    }
    return reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(body);
  });
}

/** Scales a player down (never up) to the consumer's maxwidth / maxheight, keeping the ratio. */
function fit(width: number, height: number, maxWidth: string | undefined, maxHeight: string | undefined): { width: number; height: number } {
  let scale = 1;
  const mw = Number(maxWidth);
  const mh = Number(maxHeight);
  if (Number.isFinite(mw) && mw > 0 && width > mw) scale = Math.min(scale, mw / width);
  if (Number.isFinite(mh) && mh > 0 && height > mh) scale = Math.min(scale, mh / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
