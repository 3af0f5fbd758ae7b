import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../errors/app-error.js';
import { errorEnvelope, NO_STORE_HEADERS, statusText } from './envelope.js';

/**
 * Node's HTTP server options for hostile clients: a client must send its request head within
 * `headersTimeoutMs` and the whole request within `requestTimeoutMs`. Node only checks those every
 * `connectionsCheckingInterval` (30 s by default), so the interval follows the shorter timeout:
 * a slow-header client is dropped close to the limit, not up to half a minute later.
 */
export function hostileClientServerOptions(timeouts: { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number }): ServerOptions {
  const shortest = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(shortest / 4))),
  };
}

function codeFor(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'BAD_REQUEST';
}

/**
 * Errors Node reports before there is a request to route (a head that is too slow, too large or not
 * HTTP). They are answered in the API's envelope, the one error shape clients know, and the
 * connection is closed. Fastify's default would answer with a JSON shape of its own.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError = new AppError(codeFor(error));
  this.log.debug({ err: error, code: appError.code }, 'client error');
  // A response already under way (a slow reader of a large answer) cannot get a second status line.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(errorEnvelope(appError));
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      'x-content-type-options': 'nosniff',
      ...NO_STORE_HEADERS,
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${appError.status} ${statusText(appError.status)}\r\n${head}\r\n${body}`, () => socket.destroy());
    return;
  }
  socket.destroy();
}
