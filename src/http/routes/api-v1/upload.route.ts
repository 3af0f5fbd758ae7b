import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import { classifyTextSource } from '../../../lib/source-kind.js';
import { removeQuietly } from '../../../lib/spool.js';
import type { UrlFetcher } from '../../../ports/url-fetcher.js';
import type { AccountService, Principal } from '../../../services/account.service.js';
import type { ImagePresenter, Locale } from '../../../services/image-presenter.js';
import type { SpooledSource, UploadService } from '../../../services/upload.service.js';
import { errorEnvelope, NO_STORE_HEADERS } from '../../envelope.js';
import { resolveLanguage } from '../../web/web-context.js';
import { toAppError } from '../../map-error.js';
import { discardRestOfBody, firstString, malformedMultipart, spoolBase64, spoolFilePart, spoolUrl, tooBigError, type FilePart } from '../../upload-intake.js';
import { parseFormat, parseUploadParams, rawQuerySource, type RawParams, type ResponseFormat } from './upload-params.js';

export interface UploadRouteDeps {
  readonly accounts: AccountService;
  readonly uploads: UploadService;
  readonly presenter: ImagePresenter;
  readonly fetcher: UrlFetcher;
  readonly tempDir: string;
  readonly urlSources: 'off' | 'admins' | 'everyone';
  readonly now: () => Date;
  readonly defaultLanguage: Locale;
}

/** What the request carried as its source, before it is spooled. */
type PendingSource = { kind: 'spooled'; source: SpooledSource } | { kind: 'text'; value: string; spaceIsPlus: boolean } | null;

function toRawParams(input: unknown, into: RawParams): boolean {
  if (!input || typeof input !== 'object') return false;
  let sawSourceTwice = false;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (k === 'source' && Array.isArray(v) && v.length > 1) sawSourceTwice = true;
    const s = firstString(v);
    if (s !== undefined) into[k] = s;
  }
  return sawSourceTwice;
}

/**
 * `/api/1/upload` (SPEC-API A1): GET or POST, with or without trailing slash; parameters from the query
 * and a multipart, urlencoded or JSON body; every error in Chevereto's envelope with a fitting status.
 */
export function registerUploadRoute(app: FastifyInstance, deps: UploadRouteDeps): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { version?: string; action?: string };
    let format: ResponseFormat = 'json';
    const spooled: string[] = [];
    try {
      if (!params.version) throw new AppError('NO_VERSION');
      if (!params.action) throw new AppError('NO_ACTION');
      if (params.version !== '1') throw new AppError('INVALID_VERSION');
      const raw: RawParams = {};
      let duplicateSource = toRawParams(request.query, raw);
      format = parseFormat(raw.format);
      if (params.action !== 'upload') throw new AppError('INVALID_ACTION');

      const headerKey = request.headers['x-api-key'];
      const headerPresent = headerKey !== undefined;
      let principal: Principal | null = null;
      const authenticate = async (): Promise<Principal> => {
        if (principal) return principal;
        // The header wins over `key`, even when it is empty (SPEC-API §1.3).
        const key = headerPresent ? firstString(headerKey) ?? '' : raw.key ?? '';
        if (key === '') throw new AppError('NO_KEY');
        principal = await deps.accounts.authenticate(key);
        await deps.uploads.checkFlood(principal, request.ip);
        return principal;
      };
      // An invalid key is refused before any body is stored (DESIGN §3).
      if (headerPresent || raw.key) await authenticate();

      let pending: PendingSource = null;
      if (request.isMultipart()) {
        try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === 'source' && (pending !== null || raw.source !== undefined)) duplicateSource = true;
            const value = typeof part.value === 'string' ? part.value : firstString(part.value);
            if (value !== undefined) raw[part.fieldname] = value;
            if (part.fieldname === 'format') format = parseFormat(value);
            continue;
          }
          // A text `source` (field or query) before the file is a second source, like one after it.
          if (part.fieldname === 'source' && raw.source !== undefined && raw.source !== '') duplicateSource = true;
          if (part.fieldname !== 'source' || duplicateSource || pending !== null) {
            if (part.fieldname === 'source') duplicateSource = true;
            part.file.resume();
            continue;
          }
          pending = { kind: 'spooled', source: await spoolPart(part, deps, raw, authenticate, spooled, headerPresent) };
        }
        } catch (error) {
          throw malformedMultipart(error);
        }
      } else {
        duplicateSource = toRawParams(request.body, raw) || duplicateSource;
        format = parseFormat(raw.format);
      }
      // Key problems come before source problems, as in Chevereto (SPEC-API §1.1).
      const who = await authenticate();
      if (duplicateSource) throw new AppError('MULTIPLE_SOURCES');

      const imgbb = pending === null && raw.source === undefined && raw.image !== undefined;
      if (pending === null) {
        let text = request.method === 'GET' ? rawQuerySource(request.url) ?? raw.source : raw.source;
        if (text === undefined || text === '') text = raw.image;
        if (text === undefined || text === '') throw new AppError('EMPTY_SOURCE');
        const spaceIsPlus = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
        pending = { kind: 'text', value: text, spaceIsPlus };
      }
      const source = pending.kind === 'spooled' ? pending.source : await spoolText(pending, request.method, who, deps, spooled);
      if (source.size > deps.uploads.maxBytesFor(who)) throw tooBigError(deps.uploads.maxBytesFor(who));
      const uploadParams = parseUploadParams(raw);
      const result = await deps.uploads.upload({ principal: who, source, params: uploadParams, ip: request.ip });
      const image = deps.presenter.present(result.image, { now: deps.now(), locale: resolveLanguage(request, who.kind === 'user' ? who.user : null, deps.defaultLanguage).lang, deleteSecret: result.deleteSecret, exifJson: result.exifJson });
      request.log.info({ imageId: result.image.id, kind: result.image.kind, bytes: result.image.size, reused: result.reused }, 'upload stored');

      void reply.headers({ ...NO_STORE_HEADERS, 'last-modified': new Date().toUTCString() });
      if (format === 'txt') return reply.type('text/plain; charset=utf-8').send(typeof image.url === 'string' ? image.url : '');
      if (format === 'redirect') return reply.code(302).header('location', image.path_viewer as string).send();
      const success = { message: 'file uploaded', code: 200 };
      if (imgbb) {
        return reply.type('application/json; charset=utf-8').send({ status_code: 200, status: 200, success, data: { id: image.id_encoded, ...image }, status_txt: 'OK' });
      }
      return reply.type('application/json; charset=utf-8').send({ status_code: 200, success, image, status_txt: 'OK' });
    } catch (error) {
      discardRestOfBody(request, deps.uploads.maxBytesAny());
      return sendApiError(request, reply, error, format, deps.uploads.maxBytesAny());
    } finally {
      await Promise.all(spooled.map((p) => removeQuietly(p)));
    }
  };

  for (const url of ['/api', '/api/', '/api/:version', '/api/:version/', '/api/:version/:action', '/api/:version/:action/']) {
    app.route({ method: ['GET', 'POST', 'PUT'], url, handler });
  }
}

async function spoolPart(
  part: FilePart,
  deps: UploadRouteDeps,
  raw: RawParams,
  authenticate: () => Promise<Principal>,
  spooled: string[],
  headerPresent: boolean,
): Promise<SpooledSource> {
  // When the key came before the file we know the principal, and so its byte limit, before storing a byte.
  const known = headerPresent || raw.key !== undefined ? await authenticate() : null;
  const maxBytes = known ? deps.uploads.maxBytesFor(known) : deps.uploads.maxBytesAny();
  return spoolFilePart(part, maxBytes, deps.tempDir, spooled);
}

async function spoolText(
  pending: { value: string; spaceIsPlus: boolean },
  method: string,
  principal: Principal,
  deps: UploadRouteDeps,
  spooled: string[],
): Promise<SpooledSource> {
  if (classifyTextSource(pending.value) === 'url') return spoolUrl(pending.value, principal, deps, spooled);
  if (method === 'GET') throw new AppError('BASE64_NEEDS_POST');
  return spoolBase64(pending.value, { spaceIsPlus: pending.spaceIsPlus, maxBytes: deps.uploads.maxBytesFor(principal), tempDir: deps.tempDir }, spooled);
}

/** Renders an API error in the requested format with its real status (SPEC-API A3). */
export function sendApiError(request: FastifyRequest, reply: FastifyReply, error: unknown, format: ResponseFormat, maxBytes: number) {
  const appError = toAppError(error, maxBytes);
  if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'upload failed');
  else request.log.info({ code: appError.code, status: appError.status }, 'upload refused');
  void reply.code(appError.status).headers(NO_STORE_HEADERS);
  if (appError.retryAfter !== undefined) void reply.header('retry-after', String(appError.retryAfter));
  const message = appError.code === 'INTERNAL' ? `${appError.publicMessage} (request ${request.id})` : appError.publicMessage;
  if (format !== 'json') return reply.type('text/plain; charset=utf-8').send(message);
  const body = errorEnvelope(appError);
  if (appError.code === 'INTERNAL') (body.error as Record<string, unknown>).message = message;
  return reply.type('application/json; charset=utf-8').send(body);
}
