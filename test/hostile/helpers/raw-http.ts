import { randomBytes } from 'node:crypto';
import { toAnswer, type ApiAnswer } from '../../helpers/upload.js';

/**
 * HTTP as a hostile client writes it: multipart bodies with any bytes in the headers, requests sent
 * over a bare socket at any pace, paths that no URL parser has normalised.
 */

export interface RawPart {
  readonly name: string;
  /** Written between the quotes exactly as given (a Buffer keeps arbitrary bytes). */
  readonly filename?: string | Buffer;
  /** RFC 5987 `filename*=UTF-8''…`, percent-encoded here. */
  readonly filenameStar?: string;
  readonly contentType?: string;
  readonly body: Buffer | string;
}

export function multipartBody(parts: readonly RawPart[]): { body: Buffer; contentType: string } {
  const boundary = `----pinhole-hostile-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`, 'latin1')];
    if (part.filename !== undefined) {
      head.push(Buffer.from('; filename="', 'latin1'), Buffer.isBuffer(part.filename) ? part.filename : Buffer.from(part.filename, 'utf8'), Buffer.from('"', 'latin1'));
    }
    if (part.filenameStar !== undefined) head.push(Buffer.from(`; filename*=UTF-8''${encodeURIComponent(part.filenameStar)}`, 'latin1'));
    head.push(Buffer.from(`\r\n${part.contentType ? `Content-Type: ${part.contentType}\r\n` : ''}\r\n`, 'latin1'));
    chunks.push(...head, Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body, 'utf8'), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export { toAnswer };

/** POSTs a hand-built multipart body to /api/1/upload. */
export async function postMultipart(baseUrl: string, parts: readonly RawPart[], headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const { body, contentType } = multipartBody(parts);
  const res = await fetch(`${baseUrl}/api/1/upload`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { ...headers, 'content-type': contentType },
    redirect: 'manual',
  });
  return toAnswer(res);
}

export { rawRequest as rawGet } from '../../helpers/raw-request.js';

export { RawClient } from '../../helpers/raw-socket.js';

/** Request head for a multipart upload of `contentLength` bytes. */
export function uploadHead(host: string, key: string, contentType: string, contentLength: number): string {
  return `POST /api/1/upload HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${key}\r\nContent-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n\r\n`;
}
