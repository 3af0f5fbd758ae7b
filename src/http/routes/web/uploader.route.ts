import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { escapeHtmlStrict as e } from '../../../domain/format.js';
import type { PublicIdCodec } from '../../../domain/public-id.js';
import type { Database } from '../../../ports/repositories.js';
import type { UploadService } from '../../../services/upload.service.js';
import { fill, renderUploader } from '../../../web/uploader-page.js';
import { mayUpload, uploaderSettings } from '../../../web/uploader-settings.js';
import { NO_STORE_HEADERS } from '../../envelope.js';
import type { WebKit } from '../../web/web-kit.js';
import type { WebContext } from '../../web/web-context.js';
import { registerUploadJsonRoute } from './upload-json.route.js';

export interface UploaderRouteDeps {
  readonly kit: WebKit;
  readonly db: Database;
  readonly ids: PublicIdCodec;
  readonly uploads: UploadService;
  readonly urlSources: 'off' | 'admins' | 'everyone';
  readonly guestUploads: boolean;
}

/**
 * The uploader at `/upload` and on the home page (SPEC-API §4.1), and its settings as JSON at
 * `/json/upload-settings`. A guest who may not upload is sent to the login page from `/upload` and
 * sees an invitation to log in on the home page.
 */
export function registerUploaderRoutes(app: FastifyInstance, deps: UploaderRouteDeps): void {
  const { kit } = deps;

  const settingsFor = (ctx: WebContext, toAlbum?: string) =>
    uploaderSettings({
      toAlbum,
      db: deps.db,
      ids: deps.ids,
      lang: ctx.lang,
      t: ctx.t,
      user: ctx.user,
      hasSession: ctx.session !== null,
      maxBytes: deps.uploads.maxBytesFor(ctx.user ? { kind: 'user', user: ctx.user, apiKeyId: null } : { kind: 'guest' }),
      urlSources: deps.urlSources,
      signups: ctx.signups,
    });

  const page = async (request: FastifyRequest, reply: FastifyReply, title: string) => {
    const ctx = await kit.ctx(request, reply);
    const toAlbum = (request.query as Record<string, unknown> | undefined)?.toAlbum;
    const body = renderUploader(ctx.t, await settingsFor(ctx, typeof toAlbum === 'string' ? toAlbum : undefined));
    return kit.page(request, reply, 200, { title, body, scripts: ['uploader.js'] });
  };

  app.get('/upload', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    if (!mayUpload(ctx.user, deps.guestUploads)) return reply.redirect(`/login?next=${encodeURIComponent('/upload')}`, 303);
    return page(request, reply, ctx.t('upload.title'));
  });

  app.get('/', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    if (mayUpload(ctx.user, deps.guestUploads)) return page(request, reply, ctx.t('site.tagline'));
    const login = `<a href="/login?next=%2Fupload">${e(ctx.t('upload.guestLogin'))}</a>`;
    const signup = ctx.signups ? ` <a class="button primary" href="/signup">${e(ctx.t('nav.signup'))}</a>` : '';
    const body = `<h1>${e(ctx.t('site.tagline'))}</h1><p>${fill(ctx.t('upload.loginRequired'), { login })}</p><p>${signup}</p>`;
    return kit.page(request, reply, 200, { title: ctx.t('site.tagline'), body });
  });

  app.get('/json/upload-settings', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    void reply.headers(NO_STORE_HEADERS).type('application/json; charset=utf-8');
    if (!mayUpload(ctx.user, deps.guestUploads)) {
      return reply.code(403).send({ status_code: 403, error: { message: ctx.t('upload.err.loginRequired'), code: 401 }, status_txt: 'Forbidden' });
    }
    return reply.send({ status_code: 200, settings: await settingsFor(ctx), status_txt: 'OK' });
  });
}

/** Wires the uploader's pages and its JSON endpoint from the container. */
export function registerUploader(app: FastifyInstance, c: Container, kit: WebKit): void {
  // Getters: an admin may change these in the dashboard while the site runs.
  registerUploaderRoutes(app, {
    kit,
    db: c.db,
    ids: c.ids,
    uploads: c.uploads,
    get urlSources() { return c.site.values.urlUploads; },
    get guestUploads() { return c.site.values.guestUploads; },
  });
  registerUploadJsonRoute(app, {
    kit,
    sessions: c.sessions,
    uploads: c.uploads,
    presenter: c.presenter,
    fetcher: c.fetcher,
    tempDir: c.store.tempDir(),
    get urlSources() { return c.site.values.urlUploads; },
    get guestUploads() { return c.site.values.guestUploads; },
    now: () => c.clock.now(),
  });
}
