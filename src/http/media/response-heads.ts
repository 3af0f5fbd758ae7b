import { validatorsFor, type Validators } from './http-conditionals.js';

/** Headers every stored-file answer carries, whatever its status. */
export const SAFETY_HEADERS: readonly string[] = [
  'x-content-type-options', 'nosniff',
  'content-security-policy', "default-src 'none'; sandbox",
];

/**
 * What the media route sends for one version (size + mtime) of one file: validators and the header
 * lists of the 200/304 answers, built once per version instead of once per request.
 */
export interface ResponseHead {
  readonly size: number;
  readonly mtimeMs: number;
  readonly validators: Validators;
  /** Shared by 200, 206 and 304 (RFC 9110 §15.4.5: a 304 repeats the validators and cache headers). */
  readonly common: readonly string[];
  /** `common` plus type and length of the whole file, in writeHead's flat [name, value, …] form. */
  readonly full: readonly string[];
  /** The 200 and 304 heads as bytes on the wire, made on first use (see {@link wireHead}). */
  readonly wire: { ok?: Buffer; notModified?: Buffer };
}

export function buildHead(contentType: string, size: number, mtimeMs: number): ResponseHead {
  const validators = validatorsFor({ size, mtimeMs });
  const common = [
    ...SAFETY_HEADERS,
    'cache-control', 'public, max-age=31536000, immutable',
    'accept-ranges', 'bytes',
    'etag', validators.etag,
    'last-modified', validators.lastModified,
  ];
  return { size, mtimeMs, validators, common, full: [...common, 'content-type', contentType, 'content-length', String(size)], wire: {} };
}

/**
 * The status line and header lines of the 200 (`full`) or 304 (`common`) answer, as a socket
 * front writes them; the blank line that ends the head is not included, so Date and connection
 * lines can follow.
 */
export function wireHead(head: ResponseHead, status: 200 | 304): Buffer {
  const { wire } = head;
  if (status === 200) return (wire.ok ??= headBytes('200 OK', head.full));
  return (wire.notModified ??= headBytes('304 Not Modified', head.common));
}

function headBytes(statusLine: string, fields: readonly string[]): Buffer {
  let text = `HTTP/1.1 ${statusLine}\r\n`;
  for (let i = 0; i < fields.length; i += 2) text += `${fields[i] as string}: ${fields[i + 1] as string}\r\n`;
  return Buffer.from(text, 'latin1');
}

/** A head and when the file was last seen on disk with that version. */
export interface CheckedHead {
  readonly head: ResponseHead;
  /** `Date.now()` of the last stat that matched this version. */
  checkedAtMs: number;
}

/**
 * A bounded map of heads by key, which is also what the fast lane knows of each file: the version
 * (size + mtime) a stat last found and when. `get` is given a fresh stat, so a replaced file gets a
 * new head; entries are kept in the order of their last check, and the least recently checked go
 * first once `maxEntries` is reached.
 */
export class ResponseHeadCache {
  readonly #entries = new Map<string, CheckedHead>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, contentType: string, size: number, mtimeMs: number, nowMs: number = Date.now()): ResponseHead {
    const found = this.#entries.get(key);
    if (found !== undefined && found.head.size === size && found.head.mtimeMs === mtimeMs) {
      this.checked(key, found, nowMs);
      return found.head;
    }
    const head = buildHead(contentType, size, mtimeMs);
    if (found !== undefined) this.#entries.delete(key);
    else if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { head, checkedAtMs: nowMs });
    return head;
  }

  /** The head of `key` and the time of its last check, without a stat. */
  peek(key: string): CheckedHead | undefined {
    return this.#entries.get(key);
  }

  /** A stat found the file unchanged: the entry becomes the most recently checked. */
  checked(key: string, entry: CheckedHead, nowMs: number): void {
    entry.checkedAtMs = nowMs;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  /** Drops `key` (the file was deleted or a stat no longer finds it). */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
