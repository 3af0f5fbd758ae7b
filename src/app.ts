import querystring from 'node:querystring';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import cookie from '@fastify/cookie';
import type { Container } from './container.js';
import { errorEnvelope, NO_STORE_HEADERS } from './http/envelope.js';
import { toAppError } from './http/map-error.js';
import { registerUploadRoute } from './http/routes/api-v1/upload.route.js';
import { mediaRoutes } from './http/routes/media.route.js';
import { registerViewerRoutes } from './http/routes/web/viewer.route.js';
import { escapeHtmlStrict } from './domain/format.js';
import { createWebKit } from './http/web/web-kit.js';
import { registerStaticRoutes } from './http/routes/web/static.route.js';

/** Builds the Fastify instance; tests call it without listening. */
export async function buildApp(c: Container): Promise<FastifyInstance> {
  const { config } = c;
  const maxBytes = Math.max(config.limits.maxBytes, config.limits.maxBytesGuest);
  // Room for a maximum-size file sent as base64 plus the other fields (SPEC-API A19).
  const bodyLimit = Math.ceil(maxBytes * 1.37) + 1024 * 1024;
  const app = Fastify({
    loggerInstance: c.logger as FastifyBaseLogger,
    // One log line per upload is written by the route; other requests are not logged one by one.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    routerOptions: { maxParamLength: 500 },
    return503OnClosing: true,
    requestIdHeader: false,
  });

  // Only the body types clients of the API send; anything else is answered 415 in the envelope.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('Malformed JSON body'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    done(null, querystring.parse(body as string));
  });
  await app.register(cookie);
  const kit = createWebKit({ sessions: c.sessions, defaultLanguage: config.defaultLanguage, baseUrl: config.baseUrl, signups: config.signups });
  await app.register(multipart, {
    limits: {
      fileSize: maxBytes + 1,
      files: 20,
      fields: 100,
      parts: 120,
      fieldSize: bodyLimit,
      headerPairs: 100,
    },
  });

  // Errors raised outside a handler (body limits, malformed multipart, wrong content type) use the
  // API's envelope under /api/ and never a framework's default body (SPEC-API A20).
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, maxBytes);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    void reply.code(appError.status);
    if (appError.retryAfter !== undefined) void reply.header('retry-after', String(appError.retryAfter));
    if (request.url.startsWith('/api/') || request.url === '/api') {
      const body = errorEnvelope(appError);
      if (appError.code === 'INTERNAL') (body.error as Record<string, unknown>).message = `${appError.publicMessage} (request ${request.id})`;
      return reply.type('application/json; charset=utf-8').send(body);
    }
    return kit.message(request, reply, appError.status, appError.code === 'INTERNAL' ? 'error.generic.title' : 'error.generic.title', 'error.generic.body');
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply.code(404).type('application/json; charset=utf-8').send(errorEnvelope(toAppError(Object.assign(new Error('Not found'), { statusCode: 404 }), maxBytes)));
    }
    return kit.notFound(request, reply);
  });
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('x-content-type-options')) void reply.header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/api/')) void reply.headers(NO_STORE_HEADERS);
  });

  registerUploadRoute(app, {
    accounts: c.accounts,
    uploads: c.uploads,
    presenter: c.presenter,
    fetcher: c.fetcher,
    tempDir: c.store.tempDir(),
    urlSources: config.urlSources.mode,
    now: () => c.clock.now(),
    defaultLanguage: config.defaultLanguage,
  });
  await app.register(mediaRoutes({ store: c.store, prefix: '/images' }));
  registerViewerRoutes(app, {
    db: c.db,
    ids: c.ids,
    urls: c.urls,
    deletion: c.deletion,
    routes: config.routes,
    timeZone: config.timeZone,
    kit,
  });
  registerStaticRoutes(app);

  app.get('/', async (request, reply) =>
    kit.page(request, reply, 200, {
      title: 'Image hosting',
      body: `<h1>Pinhole</h1><p>Image and short-video hosting. Upload with any Chevereto API v1.1 client at <code>${escapeHtmlStrict(config.baseUrl)}/api/1/upload</code>.</p>`,
    }),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));

  return app;
}
