import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ALBUM_PROBLEMS } from '../../../web/gallery/album-pages.js';
import type { GalleryDeps } from './gallery.routes.js';

export const bodySchema = z.object({
  name: z.string().max(1000),
  description: z.string().max(100_000).optional(),
  privacy: z.string().max(40).default('public'),
  password: z.string().max(1000).optional(),
  image_ids: z.array(z.string().max(64)).max(1000).optional(),
});

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

function fail(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ status_code: status, error: { message, code: status }, status_txt: REASONS[status] ?? 'Error' });
}

/**
 * `POST /json/albums`: creates an album for the logged-in user, optionally with some of their
 * images (the uploader's "create a new album with these uploads"). Answers
 * `{status_code: 200, album: {id_encoded, url}}`; images that are not theirs are left alone.
 */
export function registerAlbumJsonRoute(app: FastifyInstance, deps: GalleryDeps): void {
  const { kit } = deps;
  app.post('/json/albums', async (request, reply) => {
    if (!(await kit.checkCsrf(request, reply))) return reply;
    const ctx = await kit.ctx(request, reply);
    if (!ctx.user) return fail(reply, 401, ctx.t('albums.json.login'));
    const parsed = bodySchema.safeParse(request.body);
    if (!parsed.success) return fail(reply, 400, ctx.t('albums.json.invalid'));
    const { name, description, privacy, password, image_ids: encoded = [] } = parsed.data;
    const imageIds = encoded.map((id) => deps.ids.decode(id)).filter((id): id is number => id !== null);
    const result = await deps.albums.create(ctx.user, { name, description, privacy, password }, imageIds);
    if (!result.ok) return fail(reply, 400, ctx.t(ALBUM_PROBLEMS[result.problem]));
    const { album } = result;
    request.log.info({ albumId: album.id, images: album.imageCount }, 'album created');
    return reply.header('cache-control', 'no-store').send({
      status_code: 200,
      album: {
        id_encoded: deps.ids.encode(album.id),
        url: deps.paths.absolute(deps.paths.album(album)),
        name: album.name,
        privacy: album.privacy,
        image_count: album.imageCount,
      },
      status_txt: 'OK',
    });
  });
}
