import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApiAnswer } from '../../helpers/upload.js';

/**
 * The rules every hostile request is judged by (issue 4): a 2xx with a stored, serving picture, or a
 * clear 4xx in the Chevereto envelope that leaves nothing behind; never a 5xx. Checks return a list
 * of problems instead of throwing, so the fuzzer can collect and save failing cases.
 */

export interface Footprint {
  readonly files: number;
  readonly temps: number;
  readonly rows: number;
}

/** Where a server keeps its data, and how to count its rows. */
export interface Observed {
  readonly dataDir: string;
  countRows(): Promise<number>;
}

export async function walkFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(p)));
    else out.push(p);
  }
  return out;
}

export async function footprintOf(server: Observed): Promise<Footprint> {
  const [files, temps, rows] = await Promise.all([
    walkFiles(path.join(server.dataDir, 'images')),
    walkFiles(path.join(server.dataDir, 'tmp')),
    server.countRows(),
  ]);
  return { files: files.length, temps: temps.length, rows };
}

/**
 * The footprint once the temp folder is empty. A route removes its spooled file in `finally`, which
 * may run just after the answer left, so a client can see the answer a moment before the cleanup.
 */
export async function settledFootprint(server: Observed, deadlineMs = 5_000): Promise<Footprint> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const now = await footprintOf(server);
    if (now.temps === 0 || Date.now() > until) return now;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Content types media may be served with; never HTML, SVG, XML or text. */
export const MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'video/quicktime', 'video/webm']);

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SAFE_MEDIA_PATH = /^\/images\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function isEnvelope(a: ApiAnswer): boolean {
  const json = a.json;
  if (!json || Object.keys(json).join(',') !== 'status_code,error,status_txt') return false;
  const error = json.error as { message?: unknown; code?: unknown } | null;
  return json.status_code === a.status && typeof error?.message === 'string' && typeof error.code === 'number' && typeof json.status_txt === 'string';
}

interface FileObject {
  readonly url: string;
  readonly name: string;
  readonly filename: string;
}

/** The stored files an answer lists: the image and its derivatives. */
export function filesOf(image: Record<string, unknown>): FileObject[] {
  const out: FileObject[] = [];
  for (const kind of ['image', 'thumb', 'medium', 'frame']) {
    const file = image[kind] as Partial<FileObject> | null | undefined;
    if (file && typeof file.url === 'string' && typeof file.name === 'string' && typeof file.filename === 'string') out.push(file as FileObject);
  }
  return out;
}

/** Problems with a 2xx answer: unsafe names or paths, or a URL that does not serve what it should. */
export async function acceptedProblems(a: ApiAnswer): Promise<string[]> {
  const image = a.json?.image as Record<string, unknown> | undefined;
  if (!image) return [`2xx without an image object: ${a.text.slice(0, 200)}`];
  const problems: string[] = [];
  const files = filesOf(image);
  if (files.length < 2) problems.push(`only ${files.length} file objects in the answer`);
  for (const file of files) {
    if (!SAFE_NAME.test(file.name) || file.name.includes('..')) problems.push(`unsafe stored name ${JSON.stringify(file.name)}`);
    const url = new URL(file.url);
    if (!SAFE_MEDIA_PATH.test(url.pathname)) problems.push(`unsafe media path ${JSON.stringify(url.pathname)}`);
    const res = await fetch(file.url);
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200) problems.push(`${file.url} answered ${res.status}`);
    if (!MEDIA_TYPES.has(type)) problems.push(`${file.url} served as ${type}`);
    if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push(`${file.url} without nosniff`);
    if (file.url === image.url) {
      const md5 = createHash('md5').update(bytes).digest('hex');
      if (md5 !== image.md5) problems.push(`${file.url} md5 ${md5} is not the answer's ${String(image.md5)}`);
    }
  }
  return problems;
}

/**
 * Judges one upload against the footprint taken before it. `serial` says nothing else ran
 * meanwhile, so the footprint must have moved by exactly this answer. `storageFull` accepts 507.
 */
export async function outcomeProblems(server: Observed, a: ApiAnswer, before: Footprint, serial = true, options: { storageFull?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  // On a full disk, 507 in the envelope is the honest answer (issue 4, item 7); anywhere else a 5xx is a bug.
  const refusedFull = options.storageFull === true && a.status === 507 && isEnvelope(a);
  if (a.status >= 500 && !refusedFull) problems.push(`status ${a.status}: ${a.text.slice(0, 300)}`);
  else if (refusedFull) {
    // Judged like any refusal below: nothing may be left behind.
  }
  else if (a.status >= 400) {
    if (!isEnvelope(a)) problems.push(`${a.status} without the envelope: ${a.text.slice(0, 300)}`);
  } else if (a.status !== 200) problems.push(`unexpected status ${a.status}`);
  else problems.push(...(await acceptedProblems(a)));

  const after = await settledFootprint(server);
  if (after.temps !== 0) problems.push(`${after.temps} temp files left`);
  if (serial) {
    const image = a.status === 200 ? (a.json?.image as Record<string, unknown> | undefined) : undefined;
    const added = image ? filesOf(image).length : 0;
    const rows = image ? 1 : 0;
    if (after.files !== before.files + added) problems.push(`stored files went from ${before.files} to ${after.files}, expected +${added}`);
    if (after.rows !== before.rows + rows) problems.push(`rows went from ${before.rows} to ${after.rows}, expected +${rows}`);
  }
  return problems;
}
