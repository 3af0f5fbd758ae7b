import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStat, BlobStore } from '../../ports/blob-store.js';
import { isValidBlobKey } from '../../storage/blob-key.js';
import { decideRange, ifNoneMatchMatches, ifRangeMatches, notModifiedSince, type Validators } from '../media/http-conditionals.js';
import { ResponseHeadCache, wireHead, type ResponseHead } from '../media/response-heads.js';
import type { FrontHandler } from '../socket-front.js';
import { contentTypeForKey } from '../media/media-types.js';
import { SmallFileCache } from '../media/small-file-cache.js';

export interface MediaRoutesOptions {
  readonly store: BlobStore;
  /** URL folder the keys hang under, e.g. `/images`; no trailing slash. */
  readonly prefix: string;
  /** Memory for cached small files; 0 turns the cache off. Default 32 MiB. */
  readonly cacheBudgetBytes?: number;
  /** Files up to this size are cached. Default 128 KiB (thumbnails and most mediums). */
  readonly cacheMaxFileBytes?: number;
  /**
   * Check files with a synchronous stat of their local path instead of the store's async one: a
   * few microseconds on a local disk against a thread-pool round trip, which is most of the cost of
   * answering from the cache; also turns the fast lane on. Only for stores with local paths (others
   * keep an asynchronous stat per request, and no fast lane); off by default.
   */
  readonly syncStat?: boolean;
  /**
   * How long the fast lane may answer for a file from what it knows without a new stat, in ms.
   * Deletes made through the store are seen at once (`BlobStore.onDelete`); this bounds how long a
   * file removed or replaced behind Pinhole's back (another process, an operator) is still served
   * from memory. 0 stats on every request. Default 1000.
   */
  readonly recheckMs?: number;
  /**
   * Called for every answer of the raw fast lane ({@link MediaDelivery.tryServe}), which no Fastify
   * hook sees: method and status, for request metrics.
   */
  readonly onFastAnswer?: (method: 'GET' | 'HEAD', status: 200 | 304) => void;
}

/** The media route and its fast lane, sharing one file cache and one head cache. */
export interface MediaDelivery {
  /** GET and HEAD `${prefix}/*` as a Fastify route: every case (ranges, misses, large files, 404). */
  readonly plugin: FastifyPluginAsync;
  /**
   * The hot path straight from node:http, ahead of Fastify's routing and the site's hooks: a GET or
   * HEAD of a stored file the route has already answered for, served from memory (a cached small
   * file, HEAD, 304), with the file checked by a stat at most every `recheckMs`. Returns false,
   * having written nothing, for every other request, which then takes the Fastify route as before.
   * Only active with `syncStat` on a store with local paths.
   */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * The same decisions for a socket front ({@link installSocketFront}), which answers a connection's
   * requests before Node.js's HTTP server parses them into streams: the answer as bytes, or null.
   */
  readonly answerFromSocket: FrontHandler;
  /** Whether there is a fast lane at all (a store with local files and `syncStat`). */
  readonly hasFastLane: boolean;
  /** Stops the fast lane (the server is closing: Fastify then answers 503 to the stragglers). */
  stop(): void;
  /** Drops what is kept in memory of `key` (another process deleted the file). */
  forget(key: string): void;
}

const DEFAULT_CACHE_BUDGET = 32 * 1024 * 1024;
const DEFAULT_CACHE_MAX_FILE = 128 * 1024;
const DEFAULT_RECHECK_MS = 1000;
/** A well-formed key, only asked whether the store has local paths at all. */
const PROBE_KEY = '1970/01/01/probe.jpg';
const NOT_FOUND_BODY = 'Not found\n';
/** Header sets kept for this many files (a few hundred bytes each). */
const HEAD_CACHE_ENTRIES = 20_000;

interface MediaRoute {
  Params: { '*': string };
}

/**
 * GET and HEAD `${prefix}/*`: stored files with validators, conditional requests and single byte
 * ranges. Only routes are registered; error and not-found handling stay with the app owner.
 */
export function mediaRoutes(options: MediaRoutesOptions): FastifyPluginAsync {
  return mediaDelivery(options).plugin;
}

/** The route plus its raw fast lane; the app puts `tryServe` in front of Fastify (serverFactory). */
export function mediaDelivery(options: MediaRoutesOptions): MediaDelivery {
  const { store, prefix } = options;
  if (!/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/.test(prefix)) {
    throw new Error(`Media prefix must start with "/" and not end with "/": ${JSON.stringify(prefix)}`);
  }
  const cache = new SmallFileCache({
    budgetBytes: options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET,
    maxEntryBytes: options.cacheMaxFileBytes ?? DEFAULT_CACHE_MAX_FILE,
  });
  const heads = new ResponseHeadCache(HEAD_CACHE_ENTRIES);
  const statOf = options.syncStat === true ? syncStatOf(store) : (key: string) => store.stat(key);
  const recheckMs = Math.max(0, options.recheckMs ?? DEFAULT_RECHECK_MS);
  // Only a store with local files gets the lane (a bucket's files are checked on every request).
  const local = store.localPath(PROBE_KEY) !== null;
  const fast = options.syncStat === true && local ? fastLane({ store, prefix, cache, heads, recheckMs }) : null;
  let stopped = false;
  // The lane's decision for both ways in (node:http's request, the socket front), counted once here.
  const decide: Lane = (method, url, header) => {
    if (fast === null || stopped) return null;
    const answer = fast(method, url, header);
    if (answer !== null) options.onFastAnswer?.(method, answer.status);
    return answer;
  };
  const forget = (key: string) => {
    heads.forget(key);
    cache.forget(key);
  };
  // What this process deletes is never answered from memory again, not even within `recheckMs`.
  store.onDelete?.(forget);

  return {
    plugin: async function mediaPlugin(app) {
      app.route<MediaRoute>({
        method: ['GET', 'HEAD'],
        url: `${prefix}/*`,
        // HEAD is handled here so it never opens the file; Fastify's automatic HEAD route would.
        exposeHeadRoute: false,
        handler: (request, reply) => serve(store, statOf, cache, heads, request, reply),
      });
    },
    tryServe(req, res) {
      const method = req.method;
      if (method !== 'GET' && method !== 'HEAD') return false;
      const { headers } = req;
      const answer = decide(method, req.url, (name) => headers[name]);
      if (answer === null) return false;
      res.writeHead(answer.status, (answer.status === 304 ? answer.head.common : answer.head.full) as string[]);
      res.end(answer.body);
      return true;
    },
    hasFastLane: fast !== null,
    answerFromSocket(request) {
      const answer = decide(request.method, request.url, (name) => request.header(name));
      return answer === null ? null : { head: wireHead(answer.head, answer.status), body: answer.body };
    },
    stop() {
      stopped = true;
    },
    forget,
  };
}

/** The request headers the fast lane reads. */
type HeaderOf = (name: 'range' | 'if-none-match' | 'if-modified-since') => string | undefined;

/** What the fast lane answers: the status, the file's cached head and, for a GET 200, its bytes. */
interface LaneAnswer {
  readonly status: 200 | 304;
  readonly head: ResponseHead;
  readonly body: Buffer | undefined;
}

/** The fast lane: an answer from memory for a GET or HEAD of `url`, or null for the route to decide. */
type Lane = (method: 'GET' | 'HEAD', url: string | undefined, header: HeaderOf) => LaneAnswer | null;

/**
 * The fast lane's decision, the same as `serve` makes for the cases it handles. It only knows files
 * the route has answered for (their head, and the bytes of small ones), looked up by the exact path
 * after the prefix: a key exists there only once the route has validated it, so a path the router
 * would decode or trim, a query string, or anything not yet seen simply misses and goes to the route,
 * as do ranges, large files, other methods and a file whose stat changed.
 */
function fastLane(deps: {
  store: BlobStore;
  prefix: string;
  cache: SmallFileCache;
  heads: ResponseHeadCache;
  recheckMs: number;
}): Lane {
  const { store, cache, heads, recheckMs } = deps;
  const folder = `${deps.prefix}/`;
  const skip = folder.length;
  return (method, url, header) => {
    if (url === undefined || !url.startsWith(folder)) return null;
    const key = url.slice(skip);
    const known = heads.peek(key);
    if (known === undefined) return null;
    if (header('range') !== undefined) return null;
    const { head } = known;
    const now = Date.now();
    if (now - known.checkedAtMs >= recheckMs) {
      const file = store.localPath(key);
      const st = file === null ? undefined : statSync(file, { throwIfNoEntry: false });
      if (st === undefined || !st.isFile() || st.size !== head.size || st.mtimeMs !== head.mtimeMs) return null;
      heads.checked(key, known, now);
      // A use for the byte cache's LRU order too (once per check, not on every hit).
      cache.get(key, head);
    }
    if (notModified(header, head.validators)) return { status: 304, head, body: undefined };
    if (method === 'HEAD' || head.size === 0) return { status: 200, head, body: undefined };
    const body = cache.peek(key, head);
    return body === undefined ? null : { status: 200, head, body };
  };
}

type StatOf = (key: string) => Promise<BlobStat | null> | BlobStat | null;

/** The local file's stat, taken synchronously; keys without a local path fall back to the store. */
function syncStatOf(store: BlobStore): StatOf {
  return (key) => {
    const file = store.localPath(key);
    if (file === null) return store.stat(key);
    const st = statSync(file, { throwIfNoEntry: false });
    return st !== undefined && st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  };
}

async function serve(
  store: BlobStore,
  statOf: StatOf,
  cache: SmallFileCache,
  heads: ResponseHeadCache,
  request: FastifyRequest<MediaRoute>,
  reply: FastifyReply<MediaRoute>,
): Promise<FastifyReply<MediaRoute>> {
  // Router-decoded text reaches the store only once it is a well-formed key with a known media type.
  const key = request.params['*'];
  const contentType = isValidBlobKey(key) ? contentTypeForKey(key) : undefined;
  if (contentType === undefined) return notFound(reply);
  const stat = await statOf(key);
  if (stat === null) {
    heads.forget(key);
    cache.forget(key);
    return notFound(reply);
  }

  const head = heads.get(key, contentType, stat.size, stat.mtimeMs);
  const { validators } = head;
  if (isNotModified(request, validators)) return sendRaw(reply, 304, head.common);

  const range = rangeFor(request, stat.size, validators);
  if (range === 'unsatisfiable') {
    // A cache keyed on the URL alone must not replay this for later, satisfiable requests.
    return securityHeaders(reply)
      .code(416)
      .header('accept-ranges', 'bytes')
      .header('etag', validators.etag)
      .header('last-modified', validators.lastModified)
      .header('cache-control', 'no-store')
      .header('content-range', `bytes */${stat.size}`)
      .header('content-type', 'text/plain; charset=utf-8')
      .send('Range not satisfiable\n');
  }

  // HEAD and empty files need no read at all.
  if (request.method === 'HEAD' || stat.size === 0) return sendRaw(reply, 200, head.full);

  const start = range?.start ?? 0;
  const end = range?.end ?? stat.size - 1;
  const partialHead = range === null ? null : partial(head, contentType, start, end);

  if (cache.accepts(stat.size)) {
    const whole = cache.get(key, stat) ?? (await readSmallFile(store, key, stat, cache));
    if (whole === 'missing') return notFound(reply);
    if (whole !== 'changed') {
      return partialHead === null ? sendRaw(reply, 200, head.full, whole) : sendRaw(reply, 206, partialHead, whole.subarray(start, end + 1));
    }
  }
  // Large files stream through Fastify, which destroys the stream (closing its descriptor) if the
  // client goes away and turns a read error before the first byte into an error answer. Explicit
  // bounds even for a full body, so a file growing under us cannot overrun Content-Length.
  const fields = partialHead ?? head.full;
  for (let i = 0; i < fields.length; i += 2) reply.header(fields[i] as string, fields[i + 1]);
  if (partialHead !== null) reply.code(206);
  return reply.send(store.createReadStream(key, { start, end }));
}

function partial(head: ResponseHead, contentType: string, start: number, end: number): string[] {
  return [...head.common, 'content-type', contentType, 'content-length', String(end - start + 1), 'content-range', `bytes ${start}-${end}/${head.size}`];
}

/**
 * The hot path (cached bytes, HEAD, 304) writes the answer straight to the socket: the head was
 * built once per file version and no per-request hook or serializer has anything to add to it.
 */
function sendRaw(reply: FastifyReply<MediaRoute>, status: number, headers: readonly string[], body?: Buffer): FastifyReply<MediaRoute> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(status, headers as string[]);
  res.end(body);
  return reply;
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
  const { headers } = request;
  return notModified((name) => headers[name], validators);
}

function notModified(header: HeaderOf, validators: Validators): boolean {
  const ifNoneMatch = header('if-none-match');
  if (typeof ifNoneMatch === 'string') return ifNoneMatchMatches(ifNoneMatch, validators.etag);
  const ifModifiedSince = header('if-modified-since');
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
