import type { FastifyInstance, FastifyRequest } from 'fastify';
import { safeEqual } from '../../lib/secrets.js';
import type { PinholeMetrics } from '../../metrics/metrics.js';
import { alonePeers, type SitePeers } from '../../cluster/peers.js';
import type { BlobStore } from '../../ports/blob-store.js';
import type { Database } from '../../ports/repositories.js';

export interface OpsRoutesDeps {
  readonly db: Database;
  readonly store: BlobStore;
  readonly metrics: PinholeMetrics;
  /** With workers, /metrics answers for all of them (default: this process alone). */
  readonly peers?: SitePeers;
  /** Bearer token /metrics requires; null: loopback clients only. */
  readonly metricsToken: string | null;
  /** Further services /readyz checks by name (Redis when configured). */
  readonly extraChecks?: Readonly<Record<string, () => Promise<unknown>>>;
  /** Each readiness check fails after this long (a hung database is not ready). */
  readonly checkTimeoutMs?: number;
}

const NO_STORE = 'no-store';

async function withTimeout(check: () => Promise<unknown>, ms: number): Promise<'ok' | 'error'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'error'>((resolve) => {
    timer = setTimeout(() => resolve('error'), ms);
  });
  try {
    return await Promise.race([check().then(() => 'ok' as const, () => 'error' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * Without a token, /metrics answers only a scraper on this machine: the socket must be loopback
 * and the request must not have come through a proxy (which also connects from loopback, but adds
 * forwarding headers), so a reverse proxy on the same host does not publish the metrics.
 */
function mayScrape(request: FastifyRequest, token: string | null): boolean {
  if (token !== null) {
    const header = request.headers.authorization;
    return typeof header === 'string' && header.startsWith('Bearer ') && safeEqual(header.slice(7).trim(), token);
  }
  const { headers } = request;
  const proxied = headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined;
  return !proxied && isLoopback(request.socket.remoteAddress);
}

/**
 * Operations endpoints: /readyz (the database answers a query and the storage is usable, else 503,
 * so a load balancer stops sending traffic to this instance) and /metrics (Prometheus). Also times
 * every request by route pattern. /healthz (the process is up) stays with the app.
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsRoutesDeps): void {
  const timeoutMs = deps.checkTimeoutMs ?? 3000;

  // On the raw response's close, so answers written straight to the socket (media hot path) count too.
  app.addHook('onRequest', (request, reply, done) => {
    const started = process.hrtime.bigint();
    reply.raw.once('close', () => {
      const route = request.routeOptions.url ?? '(unmatched)';
      deps.metrics.request(request.method, route, reply.raw.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    done();
  });

  app.get('/readyz', async (_request, reply) => {
    const named: Array<[string, () => Promise<unknown>]> = [
      ['database', () => deps.db.settings.get('readyz')],
      ['storage', async () => deps.store.checkReady?.()],
      ...Object.entries(deps.extraChecks ?? {}),
    ];
    const results = await Promise.all(named.map(async ([name, check]) => [name, await withTimeout(check, timeoutMs)] as const));
    const checks = Object.fromEntries(results);
    const ready = results.every(([, result]) => result === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', NO_STORE)
      .send({ status: ready ? 'ok' : 'unavailable', checks });
  });

  app.get('/metrics', async (request, reply) => {
    if (!mayScrape(request, deps.metricsToken)) {
      if (deps.metricsToken !== null) void reply.header('www-authenticate', 'Bearer realm="metrics"');
      return reply.code(deps.metricsToken === null ? 403 : 401).header('cache-control', NO_STORE).type('text/plain; charset=utf-8').send('Forbidden\n');
    }
    const { contentType, body } = await (deps.peers ?? alonePeers).siteMetrics(() => deps.metrics.render());
    return reply.header('cache-control', NO_STORE).type(contentType).send(body);
  });
}
