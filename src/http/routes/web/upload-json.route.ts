import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import { classifyTextSource } from '../../../lib/source-kind.js';
import { removeQuietly } from '../../../lib/spool.js';
import type { Principal } from '../../../services/account.service.js';
import type { ImagePresenter } from '../../../services/image-presenter.js';
import type { SessionService } from '../../../services/session.service.js';
import type { SpooledSource } from '../../../services/upload.service.js';
import { embedCodes, type EmbeddableImage } from '../../../web/embed-codes.js';
import type { MessageKey, Translate } from '../../../web/i18n/index.js';
import { maxSizeLabel } from '../../../web/uploader-settings.js';
import { errorEnvelope, NO_STORE_HEADERS } from '../../envelope.js';
import { toAppError } from '../../map-error.js';
import { discardRestOfBody, firstString, malformedMultipart, spoolFilePart, spoolUrl, type IntakeDeps } from '../../upload-intake.js';
import { csrfBinding, setSessionCookie } from '../../web/web-context.js';
import type { WebKit } from '../../web/web-kit.js';
import { parseUploadParams, type RawParams } from '../api-v1/upload-params.js';

export interface UploadJsonDeps extends IntakeDeps {
  readonly kit: WebKit;
  readonly sessions: SessionService;
  readonly presenter: ImagePresenter;
  readonly guestUploads: boolean;
  readonly now: () => Date;
}

/** The per-file and batch options the uploader sends (SPEC-API §4.2); anything else is ignored. */
const WEB_PARAMS = ['title', 'description', 'tags', 'album_id', 'nsfw', 'expiration', 'width'] as const;

/** Errors whose reason the uploader shows in the visitor's language. */
const LOCALISED: Partial<Record<AppError['code'], MessageKey>> = {
  FILE_TOO_BIG: 'upload.err.FILE_TOO_BIG',
  UNSUPPORTED_TYPE: 'upload.err.UNSUPPORTED_TYPE',
  UNDECODABLE: 'upload.err.UNDECODABLE',
  INVALID_VIDEO: 'upload.err.INVALID_VIDEO',
  TOO_MANY_PIXELS: 'upload.err.TOO_MANY_PIXELS',
  TOO_MANY_FRAMES: 'upload.err.TOO_MANY_FRAMES',
  VIDEO_TOO_LONG: 'upload.err.VIDEO_TOO_LONG',
  DUPLICATE: 'upload.err.DUPLICATE',
  FLOOD: 'upload.err.FLOOD',
  URL_UPLOADS_DISABLED: 'upload.err.URL_UPLOADS_DISABLED',
  URL_INVALID: 'upload.err.URL_INVALID',
  URL_FORBIDDEN: 'upload.err.URL_FORBIDDEN',
  URL_FETCH_FAILED: 'upload.err.URL_FETCH_FAILED',
  URL_FETCH_TIMEOUT: 'upload.err.URL_FETCH_TIMEOUT',
  ALBUM_NOT_FOUND: 'upload.err.ALBUM_NOT_FOUND',
  INVALID_EXPIRATION: 'upload.err.INVALID_EXPIRATION',
  EMPTY_SOURCE: 'upload.err.EMPTY_SOURCE',
  STORAGE_FULL: 'upload.err.STORAGE_FULL',
};

/**
 * `POST /json/upload`: the website's uploader endpoint. One file (multipart `source`) or one URL
 * (`type=url`, `source` text) per request, for the browser's session: a logged-in user, or a guest
 * when guest uploads are on. Same upload service and image object as the API; the answer adds the
 * links and embed codes, delete link included.
 */
export function registerUploadJsonRoute(app: FastifyInstance, deps: UploadJsonDeps): void {
  const { kit, uploads } = deps;

  app.post('/json/upload', async (request, reply) => {
    const spooled: string[] = [];
    let principal: Principal | null = null;
    try {
      if (!(await kit.checkCsrf(request, reply))) {
        discardRestOfBody(request, uploads.maxBytesAny());
        return reply;
      }
      const ctx = await kit.ctx(request, reply);
      if (!ctx.user && !deps.guestUploads) throw new AppError('REQUEST_DENIED', { message: ctx.t('upload.err.loginRequired') });
      principal = ctx.user ? { kind: 'user', user: ctx.user, apiKeyId: null } : { kind: 'guest' };
      await uploads.checkFlood(principal, request.ip);
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: 'use multipart/form-data' });

      const fields: RawParams = {};
      let source: SpooledSource | null = null;
      let sources = 0;
      try {
        for await (const part of request.parts()) {
          if (part.fieldname === 'source') sources += 1;
          if (part.type === 'field') {
            const value = firstString(part.value);
            if (value !== undefined && !(part.fieldname in fields)) fields[part.fieldname] = value;
          } else if (part.fieldname !== 'source' || source !== null) {
            part.file.resume();
          } else {
            source = await spoolFilePart(part, uploads.maxBytesFor(principal), deps.tempDir, spooled);
          }
        }
      } catch (error) {
        throw malformedMultipart(error);
      }
      if (sources > 1) throw new AppError('MULTIPLE_SOURCES');
      if (source === null) {
        const text = fields.source?.trim() ?? '';
        if (text === '') throw new AppError('EMPTY_SOURCE');
        // The website takes files and URLs only; base64 is for API clients.
        if (fields.type !== 'url' || classifyTextSource(text) !== 'url') throw new AppError('URL_INVALID');
        source = await spoolUrl(text, principal, deps, spooled);
      }
      const raw: RawParams = {};
      for (const name of WEB_PARAMS) if (fields[name] !== undefined) raw[name] = fields[name];
      const parsed = parseUploadParams(raw);
      // The uploader always sends its auto-delete choice; empty is "Don't auto delete", which must win over the account's default.
      const params = fields.expiration === '' ? { ...parsed, expiration: null } : parsed;
      const result = await uploads.upload({ principal, source, params, ip: request.ip });

      if (!ctx.user) {
        let session = ctx.session;
        if (!session) {
          session = await deps.sessions.create(null);
          setSessionCookie(reply, session, kit.secureCookies);
          // The page's token was bound to the browser id; from now on it must be the session's.
          void reply.header('x-csrf-token', deps.sessions.csrfToken(csrfBinding(session, '')));
        }
        await deps.sessions.rememberGuestImage(session, result.image.id);
      }
      const image = deps.presenter.present(result.image, { now: deps.now(), locale: ctx.lang, deleteSecret: result.deleteSecret, exifJson: result.exifJson });
      request.log.info({ imageId: result.image.id, kind: result.image.kind, bytes: result.image.size, reused: result.reused, web: true }, 'upload stored');
      const embeds = embedCodes(image as unknown as EmbeddableImage, { includeDelete: true });
      return reply
        .headers(NO_STORE_HEADERS)
        .type('application/json; charset=utf-8')
        .send({ status_code: 200, success: { message: 'file uploaded', code: 200 }, image, embeds, status_txt: 'OK' });
    } catch (error) {
      discardRestOfBody(request, uploads.maxBytesAny());
      const { t, lang } = await kit.ctx(request, reply);
      const maxBytes = principal ? uploads.maxBytesFor(principal) : uploads.maxBytesAny();
      return sendJsonError(request, reply, error, maxBytes, lang === 'en' ? null : t);
    } finally {
      await Promise.all(spooled.map((p) => removeQuietly(p)));
    }
  });
}

/** The JSON error envelope with its real status; known reasons in the page language when `t` is given. */
export function sendJsonError(request: FastifyRequest, reply: FastifyReply, error: unknown, maxBytes: number, t: Translate | null): FastifyReply {
  const appError = toAppError(error, maxBytes);
  if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'web upload failed');
  else request.log.info({ code: appError.code, status: appError.status }, 'web upload refused');
  const body = errorEnvelope(appError);
  const key = LOCALISED[appError.code];
  let message = appError.publicMessage;
  if (appError.code === 'INTERNAL') message = `${appError.publicMessage} (request ${request.id})`;
  else if (t && key) message = t(key, { max: maxSizeLabel(maxBytes) });
  (body.error as Record<string, unknown>).message = message;
  void reply.code(appError.status).headers(NO_STORE_HEADERS);
  if (appError.retryAfter !== undefined) void reply.header('retry-after', String(appError.retryAfter));
  return reply.type('application/json; charset=utf-8').send(body);
}
