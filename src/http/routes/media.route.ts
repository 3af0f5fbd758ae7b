import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStat, BlobStore } from '../../ports/blob-store.js';
import { isValidBlobKey } from '../../storage/blob-key.js';
import {
  decideRange,
  ifNoneMatchMatches,
  ifRangeMatches,
  notModifiedSince,
  validatorsFor,
  type Validators,
} from '../media/http-conditionals.js';
import { contentTypeForKey } from '../media/media-types.js';
import { SmallFileCache } from '../media/small-file-cache.js';

export interface MediaRoutesOptions {
  readonly store: BlobStore;
  /** URL folder the keys hang under, e.g. `/images`; no trailing slash. */
  readonly prefix: string;
  /** Memory for cached small files; 0 turns the cache off. Default 32 MiB. */
  readonly cacheBudgetBytes?: number;
  /** Files up to this size are cached. Default 64 KiB. */
  readonly cacheMaxFileBytes?: number;
}

const DEFAULT_CACHE_BUDGET = 32 * 1024 * 1024;
const DEFAULT_CACHE_MAX_FILE = 64 * 1024;
const NOT_FOUND_BODY = 'Not found\n';

interface MediaRoute {
  Params: { '*': string };
}

/**
 * GET and HEAD `${prefix}/*`: stored files with validators, conditional requests and single byte
 * ranges. Only routes are registered; error and not-found handling stay with the app owner.
 */
export function mediaRoutes(options: MediaRoutesOptions): FastifyPluginAsync {
  const { store, prefix } = options;
  if (!/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/.test(prefix)) {
    throw new Error(`Media prefix must start with "/" and not end with "/": ${JSON.stringify(prefix)}`);
  }
  const cache = new SmallFileCache({
    budgetBytes: options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET,
    maxEntryBytes: options.cacheMaxFileBytes ?? DEFAULT_CACHE_MAX_FILE,
  });

  return async function mediaPlugin(app) {
    app.route<MediaRoute>({
      method: ['GET', 'HEAD'],
      url: `${prefix}/*`,
      // HEAD is handled here so it never opens the file; Fastify's automatic HEAD route would.
      exposeHeadRoute: false,
      handler: (request, reply) => serve(store, cache, request, reply),
    });
  };
}

async function serve(
  store: BlobStore,
  cache: SmallFileCache,
  request: FastifyRequest<MediaRoute>,
  reply: FastifyReply<MediaRoute>,
): Promise<FastifyReply<MediaRoute>> {
  // Router-decoded text reaches the store only once it is a well-formed key with a known media type.
  const key = request.params['*'];
  const contentType = isValidBlobKey(key) ? contentTypeForKey(key) : undefined;
  if (contentType === undefined) return notFound(reply);
  const stat = await store.stat(key);
  if (stat === null) return notFound(reply);

  const validators = validatorsFor(stat);
  securityHeaders(reply)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('accept-ranges', 'bytes')
    .header('etag', validators.etag)
    .header('last-modified', validators.lastModified);

  if (isNotModified(request, validators)) return reply.code(304).send();

  const range = rangeFor(request, stat.size, validators);
  if (range === 'unsatisfiable') {
    // A cache keyed on the URL alone must not replay this for later, satisfiable requests.
    return reply
      .code(416)
      .header('cache-control', 'no-store')
      .header('content-range', `bytes */${stat.size}`)
      .header('content-type', 'text/plain; charset=utf-8')
      .send('Range not satisfiable\n');
  }

  reply.header('content-type', contentType);
  if (range !== null) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? stat.size - 1;
  reply.header('content-length', String(end - start + 1));

  if (request.method === 'HEAD') return reply.send();
  if (stat.size === 0) return reply.send(Buffer.alloc(0));

  if (cache.accepts(stat.size)) {
    const whole = cache.get(key, stat) ?? (await readSmallFile(store, key, stat, cache));
    if (whole === 'missing') return notFound(reply);
    if (whole !== 'changed') return reply.send(whole.subarray(start, end + 1));
  }
  // Explicit bounds even for a full body, so a file growing under us cannot overrun Content-Length.
  // Fastify destroys the stream (closing its descriptor) if the client goes away mid-response.
  return reply.send(store.createReadStream(key, { start, end }));
}

function securityHeaders(reply: FastifyReply<MediaRoute>): FastifyReply<MediaRoute> {
  return reply
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox");
}

/** Also used after the file vanished mid-request, so validators already set for it are dropped. */
function notFound(reply: FastifyReply<MediaRoute>): FastifyReply<MediaRoute> {
  for (const name of ['etag', 'last-modified', 'accept-ranges', 'content-range', 'content-length']) reply.removeHeader(name);
  return securityHeaders(reply)
    .code(404)
    .header('cache-control', 'no-store')
    .header('content-type', 'text/plain; charset=utf-8')
    .send(NOT_FOUND_BODY);
}

/** RFC 9110 §13.2.2: If-None-Match, when present, decides alone; If-Modified-Since is the fallback. */
function isNotModified(request: FastifyRequest<MediaRoute>, validators: Validators): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') return ifNoneMatchMatches(ifNoneMatch, validators.etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  return typeof ifModifiedSince === 'string' && notModifiedSince(ifModifiedSince, validators.lastModifiedSeconds);
}

function rangeFor(
  request: FastifyRequest<MediaRoute>,
  size: number,
  validators: Validators,
): { start: number; end: number } | 'unsatisfiable' | null {
  // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the full response.
  const header = request.headers.range;
  if (request.method !== 'GET' || typeof header !== 'string') return null;
  const ifRange = request.headers['if-range'];
  if (typeof ifRange === 'string' && !ifRangeMatches(ifRange, validators)) return null;
  const decision = decideRange(header, size);
  if (decision.kind === 'full') return null;
  if (decision.kind === 'unsatisfiable') return 'unsatisfiable';
  return { start: decision.start, end: decision.end };
}

/**
 * Reads a small file whole and caches it. 'changed' means the bytes did not match the stat we just
 * took (the file is being replaced); the caller then streams instead of caching a torn copy.
 */
async function readSmallFile(
  store: BlobStore,
  key: string,
  stat: BlobStat,
  cache: SmallFileCache,
): Promise<Buffer | 'missing' | 'changed'> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    // One byte past the expected end reveals a file that grew since the stat.
    for await (const chunk of store.createReadStream(key, { start: 0, end: stat.size })) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      total += buffer.length;
    }
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (total !== stat.size) return 'changed';
  const data = Buffer.concat(chunks, total);
  cache.set(key, stat, data);
  return data;
}
