import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { HeadParser, type ParsedHead } from './head-parser.js';

/** A request the front may answer: an HTTP/1.1 keep-alive GET or HEAD with no body. */
export interface FrontRequest {
  readonly method: 'GET' | 'HEAD';
  /** As sent: path and query, not decoded. */
  readonly url: string;
  /**
   * A header by its lower-case name, as Node.js's `IncomingMessage.headers` would give it: repeated
   * lines joined with ", ", except for the fields Node.js keeps the first of.
   */
  header(name: string): string | undefined;
}

/** An answer written as is: the status line and header lines (no Date, no Connection), then the body. */
export interface FrontAnswer {
  readonly head: Buffer;
  readonly body?: Buffer | undefined;
}

/** Answers what it can from memory, or null to let Node.js's HTTP server and the app have the request. */
export type FrontHandler = (request: FrontRequest) => FrontAnswer | null;

export interface SocketFront {
  /** Closes the connections the front holds (they are idle between answers) and passes new ones on. */
  stop(): void;
  /** Connections the front is holding now (not yet passed to Node.js's HTTP server). */
  readonly connections: number;
  /** Requests the front answered, since start. */
  readonly answered: number;
}

/** Node.js keeps the first line of these when repeated (IncomingMessage's rules); others are joined. */
const FIRST_ONLY = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

class HeldRequest implements FrontRequest {
  constructor(
    readonly method: 'GET' | 'HEAD',
    readonly url: string,
    private readonly raw: readonly string[],
  ) {}

  header(name: string): string | undefined {
    let value: string | undefined;
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const field = raw[i] as string;
      if (field.length !== name.length || field.toLowerCase() !== name) continue;
      const line = raw[i + 1] as string;
      if (value === undefined) value = line;
      else if (FIRST_ONLY.has(name)) return value;
      else value = `${value}, ${line}`;
    }
    return value;
  }
}

const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

interface Held {
  readonly socket: Socket;
  /** Last data received; 0 while the connection has sent nothing. */
  lastActiveMs: number;
  readonly connectedAtMs: number;
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(): void;
  onClose(): void;
}

/**
 * Answers the hottest requests straight from the socket, before Node.js's HTTP server makes a
 * request and a response stream of them. A new connection is read by the front while its requests
 * are ones the handler answers from memory (for Pinhole: stored files already served once); at the
 * first request it does not take (another path, a body, a head split over two reads, HTTP/1.0,
 * `Connection: close`, a client that does not read its answers) the connection is passed, with that
 * request's bytes, to the server's own connection handling, and stays there. What the front writes
 * is what the app would have written, plus the Date and keep-alive lines Node.js adds.
 *
 * Returns null (and installs nothing) when the llhttp binding is not there in the expected shape.
 */
export function installSocketFront(server: Server, handler: FrontHandler, options: { readonly maxHeaderSize: number }): SocketFront | null {
  const parser = HeadParser.create(options.maxHeaderSize);
  const [nodeListener, ...others] = server.listeners('connection') as Array<(this: Server, socket: Socket) => void>;
  // A per-connection request cap would need counting here too; such a server keeps Node.js's path.
  if (parser === null || nodeListener === undefined || others.length > 0 || (server.maxRequestsPerSocket ?? 0) > 0) return null;
  server.removeListener('connection', nodeListener);

  const held = new Set<Held>();
  let stopped = false;
  let answered = 0;
  // Node.js closes an idle keep-alive connection after keepAliveTimeout, or else the socket timeout.
  const idleMs = () => (server.keepAliveTimeout > 0 ? server.keepAliveTimeout : server.timeout > 0 ? server.timeout : 5_000);
  const trailer = keepAliveTrailer(() => server.keepAliveTimeout);

  const handOver = (conn: Held, rest: Buffer | null): void => {
    const { socket } = conn;
    release(conn);
    if (socket.destroyed) return;
    // Paused, the bytes put back stay buffered until Node.js's handling listens, then flow to it
    // before anything read later.
    socket.pause();
    if (rest !== null && rest.length > 0) socket.unshift(rest);
    nodeListener.call(server, socket);
    socket.resume();
  };

  const release = (conn: Held): void => {
    held.delete(conn);
    const { socket } = conn;
    socket.removeListener('data', conn.onData);
    socket.removeListener('end', conn.onEnd);
    socket.removeListener('error', conn.onError);
    socket.removeListener('close', conn.onClose);
  };

  const serve = (conn: Held, chunk: Buffer): void => {
    const { socket } = conn;
    conn.lastActiveMs = Date.now();
    let start = 0;
    while (start < chunk.length) {
      if (stopped || socket.writableNeedDrain) return handOver(conn, chunk.subarray(start));
      const end = chunk.indexOf(END_OF_HEAD, start);
      if (end < 0) return handOver(conn, chunk.subarray(start));
      const next = end + END_OF_HEAD.length;
      const head = parser.parse(chunk.subarray(start, next));
      const request = head === null ? null : frontRequest(head);
      const answer = request === null ? null : answerOf(handler, request);
      if (request === null || answer === null) return handOver(conn, chunk.subarray(start));
      socket.cork();
      socket.write(answer.head);
      socket.write(trailer());
      // Whatever the handler gave, an answer to HEAD has no body.
      if (answer.body !== undefined && request.method === 'GET') socket.write(answer.body);
      socket.uncork();
      answered++;
      start = next;
    }
  };

  server.on('connection', (socket: Socket) => {
    if (stopped) return nodeListener.call(server, socket);
    const conn: Held = {
      socket,
      lastActiveMs: 0,
      connectedAtMs: Date.now(),
      onData: (chunk) => serve(conn, chunk),
      // The client is done sending; everything it asked for has been written.
      onEnd: () => {
        release(conn);
        socket.end();
      },
      onError: () => {
        release(conn);
        socket.destroy();
      },
      onClose: () => release(conn),
    };
    held.add(conn);
    socket.on('data', conn.onData);
    socket.on('end', conn.onEnd);
    socket.on('error', conn.onError);
    socket.on('close', conn.onClose);
  });

  // As Node.js does: a connection that has sent nothing gets a 408 after headersTimeout (through the
  // server's clientError handling); an idle one closes after the keep-alive timeout.
  const headersMs = () => (server.headersTimeout > 0 ? server.headersTimeout : 60_000);
  const sweepEvery = Math.max(50, Math.min(1_000, Math.floor(Math.min(idleMs(), headersMs()) / 4)));
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const conn of held) {
      if (conn.lastActiveMs === 0 && now - conn.connectedAtMs > headersMs()) {
        release(conn);
        requestTimeout(server, conn.socket);
      } else if (conn.lastActiveMs !== 0 && now - conn.lastActiveMs > idleMs()) {
        release(conn);
        conn.socket.destroy();
      }
    }
  }, sweepEvery);
  sweeper.unref();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweeper);
      for (const conn of held) {
        release(conn);
        conn.socket.destroySoon();
      }
    },
    get connections() {
      return held.size;
    },
    get answered() {
      return answered;
    },
  };
}

/** The handler's answer; a handler that throws leaves the request to Node.js like any other. */
function answerOf(handler: FrontHandler, request: FrontRequest): FrontAnswer | null {
  try {
    return handler(request);
  } catch {
    return null;
  }
}

/** What Node.js's server does for a connection that sent no request in time. */
function requestTimeout(server: Server, socket: Socket): void {
  const error = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
  if (server.emit('clientError', error, socket)) return;
  if (socket.writable && socket.bytesWritten === 0) socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  socket.destroy();
}

function frontRequest(head: ParsedHead): FrontRequest | null {
  const { method } = head;
  if ((method !== 'GET' && method !== 'HEAD') || head.versionMajor !== 1 || head.versionMinor !== 1 || !head.keepAlive) return null;
  const request = new HeldRequest(method, head.url, head.headers);
  // 100-continue and friends are Node.js's to answer.
  return request.header('expect') === undefined ? request : null;
}

/** The lines Node.js adds to a keep-alive answer: Date (to the second), Connection, Keep-Alive. */
function keepAliveTrailer(keepAliveMs: () => number): () => Buffer {
  let second = -1;
  let lines = Buffer.alloc(0);
  return () => {
    const now = Date.now();
    const current = Math.floor(now / 1000);
    if (current !== second) {
      second = current;
      const timeout = Math.floor(keepAliveMs() / 1000);
      const keepAlive = timeout > 0 ? `Keep-Alive: timeout=${timeout}\r\n` : '';
      lines = Buffer.from(`Date: ${new Date(now).toUTCString()}\r\nConnection: keep-alive\r\n${keepAlive}\r\n`, 'latin1');
    }
    return lines;
  };
}
