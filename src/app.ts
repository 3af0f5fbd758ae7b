import http from 'node:http';
import querystring from 'node:querystring';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import cookie from '@fastify/cookie';
import type { Container } from './container.js';
import { errorEnvelope, NO_STORE_HEADERS } from './http/envelope.js';
import { toAppError } from './http/map-error.js';
import { clientErrorHandler, hostileClientServerOptions } from './http/client-error.js';
import { registerUploadRoute } from './http/routes/api-v1/upload.route.js';
import { mediaDelivery } from './http/routes/media.route.js';
import { galleryDeps, registerGalleryRoutes } from './http/routes/web/gallery.routes.js';
import { createWebKit } from './http/web/web-kit.js';
import { registerStaticRoutes } from './http/routes/web/static.route.js';
import { registerUploader } from './http/routes/web/uploader.route.js';
import { registerAccountRoutes } from './http/routes/web/account/index.js';
import { registerApiDocumentation } from './http/routes/web/api-docs.route.js';
import { registerAdminRoutes } from './http/routes/web/admin/index.js';
import { registerOpsRoutes } from './http/routes/ops.route.js';
import { installSocketFront, type SocketFront } from './http/socket-front.js';

/** URL folder of the stored files (`mediaRoutes`); nothing of the website runs for it. */
const MEDIA_PREFIX = '/images';
const MEDIA_PREFIX_SLASH = `${MEDIA_PREFIX}/`;

/** Builds the Fastify instance; tests call it without listening. */
export async function buildApp(c: Container): Promise<FastifyInstance> {
  const { config } = c;
  // The body limits are fixed when Fastify starts: a limit raised in the dashboard beyond them needs a restart.
  const maxBytes = Math.max(config.limits.maxBytes, config.limits.maxBytesGuest, c.site.limits.maxBytes, c.site.limits.maxBytesGuest);
  // Room for a maximum-size file sent as base64 plus the other fields (SPEC-API A19).
  const bodyLimit = Math.ceil(maxBytes * 1.37) + 1024 * 1024;
  const media = mediaDelivery({
    store: c.store,
    prefix: MEDIA_PREFIX,
    cacheBudgetBytes: config.delivery.cacheBytes,
    // A bucket has no local paths: mediaDelivery then keeps to an asynchronous stat and no fast lane.
    syncStat: config.delivery.syncStat,
    recheckMs: config.delivery.recheckMs,
    // The fast lane's answers never reach the metrics hook (registerOpsRoutes): counted here, under the route's name.
    onFastAnswer: (method, status) => c.metrics.memoryAnswer(method, status),
  });
  let front: SocketFront | null = null;
  const app = Fastify({
    // The server Fastify would make (same options, applied as Fastify does), with the media fast lane
    // in front: stored files answered from memory skip routing and every hook; the rest goes on to Fastify.
    // Ahead of that, the socket front answers the same files on connections that ask only for them,
    // before Node.js makes request and response streams.
    serverFactory: (handler, opts) => {
      const serverOptions = opts.http as http.ServerOptions;
      const server = http.createServer(serverOptions, (req, res) => {
        if (!media.tryServe(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = opts.keepAliveTimeout as number;
      server.requestTimeout = opts.requestTimeout as number;
      server.setTimeout(opts.connectionTimeout as number);
      if ((opts.maxRequestsPerSocket as number) > 0) server.maxRequestsPerSocket = opts.maxRequestsPerSocket as number;
      if (media.hasFastLane) {
        front = installSocketFront(server, media.answerFromSocket, { maxHeaderSize: serverOptions.maxHeaderSize ?? http.maxHeaderSize });
      }
      return server;
    },
    loggerInstance: c.logger as FastifyBaseLogger,
    // One log line per upload is written by the route; other requests are not logged one by one.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    // Slow or oversized request heads are cut off by Node and answered in the API envelope.
    http: hostileClientServerOptions(config),
    clientErrorHandler,
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
  // Cookies are parsed on first use by the page context (requestCookies), not by a hook on every
  // request: stored files and the upload API never read them.
  await app.register(cookie, { hook: false });
  const kit = createWebKit({
    sessions: c.sessions,
    baseUrl: config.baseUrl,
    mediaBaseUrl: config.mediaBaseUrl,
    get defaultLanguage() { return c.site.values.defaultLanguage; },
    get signups() { return c.site.values.signups; },
  });
  // Every instance picks up settings saved by another one within a few seconds (one cheap read).
  // A callback hook that returns at once while the copy is fresh, and never runs for stored files.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.startsWith(MEDIA_PREFIX_SLASH) || !c.site.isStale()) return done();
    c.site.refreshIfStale().then(() => done(), done);
  });
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
    if (request.url.startsWith('/api/') || request.url === '/api' || request.url.startsWith('/json/')) {
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
    get urlSources() { return c.site.values.urlUploads; },
    now: () => c.clock.now(),
    get defaultLanguage() { return c.site.values.defaultLanguage; },
  });
  await app.register(media.plugin);
  // Another worker of this site deleted a file: this one stops serving it from memory too.
  c.peers.onDeletedElsewhere((key) => media.forget(key));
  // While closing, Fastify answers 503 to requests on open connections; the fast lane steps aside for it.
  app.addHook('preClose', async () => {
    media.stop();
    front?.stop();
  });
  registerGalleryRoutes(app, galleryDeps(c, kit));
  registerStaticRoutes(app);
  registerAccountRoutes(app, c, kit);
  registerAdminRoutes(app, c, kit, { uploadCeilingBytes: maxBytes });

  registerUploader(app, c, kit);
  registerApiDocumentation(app, c, kit);
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerOpsRoutes(app, { db: c.db, store: c.store, metrics: c.metrics, peers: c.peers, metricsToken: config.metricsToken, extraChecks: c.readiness });

  return app;
}
