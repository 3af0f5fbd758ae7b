import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { AppError, isAppError } from '../errors/app-error.js';
import { decodeLenientBase64 } from '../lib/base64.js';
import { spoolToFile } from '../lib/spool.js';
import type { UrlFetcher } from '../ports/url-fetcher.js';
import type { Principal } from '../services/account.service.js';
import type { SpooledSource, UploadService } from '../services/upload.service.js';

/**
 * How uploads reach the upload service from HTTP, shared by the API (`/api/1/upload`) and the web
 * uploader (`/json/upload`): a multipart file part or a URL is spooled to a temp file the caller owns
 * (its path is pushed onto `spooled` so the caller's `finally` can remove it).
 */
export interface IntakeDeps {
  readonly uploads: UploadService;
  readonly fetcher: UrlFetcher;
  readonly tempDir: string;
  readonly urlSources: 'off' | 'admins' | 'everyone';
}

export type FilePart = Extract<Multipart, { type: 'file' }>;

export function tooBigError(maxBytes: number): AppError {
  return new AppError('FILE_TOO_BIG', { message: `File too big - max ${maxBytes / 1_000_000} MB` });
}

/** Whether this principal may give a URL as the source (SPEC-API A10). */
export function urlSourcesAllowed(mode: IntakeDeps['urlSources'], principal: Principal): boolean {
  return mode === 'everyone' || (mode === 'admins' && principal.kind === 'user' && principal.user.isAdmin);
}

/** Streams a multipart file part to a temp file, refusing it once it passes `maxBytes`. */
export async function spoolFilePart(part: FilePart, maxBytes: number, tempDir: string, spooled: string[]): Promise<SpooledSource> {
  const file = await spoolToFile(part.file, { dir: tempDir, maxBytes });
  spooled.push(file.path);
  if (part.file.truncated) throw tooBigError(maxBytes);
  return { ...file, originalFilename: part.filename ? part.filename.slice(0, 255) : null };
}

/** Fetches a URL source through the SSRF-guarded fetcher, if this principal may use URLs. */
export async function spoolUrl(url: string, principal: Principal, deps: IntakeDeps, spooled: string[]): Promise<SpooledSource> {
  if (!urlSourcesAllowed(deps.urlSources, principal)) throw new AppError('URL_UPLOADS_DISABLED');
  const maxBytes = deps.uploads.maxBytesFor(principal);
  const fetched = await deps.fetcher.fetchToFile(url, { maxBytes, tempDir: deps.tempDir });
  spooled.push(fetched.path);
  return { path: fetched.path, size: fetched.size, sha256: fetched.sha256, originalFilename: fetched.fileName };
}

/** Decodes a base64 source (API only) into a temp file. */
export async function spoolBase64(
  value: string,
  options: { spaceIsPlus: boolean; maxBytes: number; tempDir: string },
  spooled: string[],
): Promise<SpooledSource> {
  if (value.trim() === '') throw new AppError('EMPTY_BASE64');
  const bytes = decodeLenientBase64(value, { spaceIsPlus: options.spaceIsPlus });
  if (bytes === null) throw new AppError('INVALID_BASE64');
  if (bytes.length === 0) throw new AppError('EMPTY_BASE64');
  if (bytes.length > options.maxBytes) throw tooBigError(options.maxBytes);
  const file = await spoolToFile(Readable.from([bytes]), { dir: options.tempDir, maxBytes: options.maxBytes });
  spooled.push(file.path);
  return { ...file, originalFilename: null };
}

/**
 * After an early refusal (bad key, file too big) the client is usually still sending. Reading and
 * discarding the rest lets it receive the answer instead of a connection reset; past a bound the
 * connection is closed instead.
 */
export function discardRestOfBody(request: FastifyRequest, maxBytes: number): void {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  let seen = 0;
  const cap = Math.ceil(maxBytes * 1.5) + 1_000_000;
  raw.unpipe();
  raw.removeAllListeners('data');
  raw.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > cap) raw.destroy();
  });
  raw.resume();
}

/**
 * The multipart parser reports a malformed or cut-off body with plain errors; those are the client's
 * fault (400), unlike file-system errors, which keep their errno code.
 */
export function malformedMultipart(error: unknown): unknown {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  // The client hung up mid-body: its fault, and nobody is left to read the answer; not a server error.
  if (code === 'ECONNRESET' || (error instanceof Error && error.message === 'aborted')) {
    return new AppError('BAD_REQUEST', { detail: 'the request was cut off' });
  }
  if (typeof code === 'string' && (code.startsWith('FST_') || /^E[A-Z]+$/.test(code))) return error;
  const message = error instanceof Error ? error.message : 'malformed multipart body';
  return new AppError('BAD_REQUEST', { detail: message.slice(0, 200) });
}

/**
 * A form value as one string (the first of repeated values). Only one level of array is a repeated
 * value; anything nested deeper (a JSON body can nest arrays thousands deep) is not a form value.
 */
export function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  return undefined;
}
