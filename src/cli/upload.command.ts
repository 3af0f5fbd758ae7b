import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `pinhole upload`: a client of the site's own API (`/api/1/upload`). It runs on any machine with
 * the package installed and never touches the server's configuration or database, only its URL.
 */

export const UPLOAD_USAGE = `Usage: pinhole upload --server URL --key KEY [options] FILE|URL …

  --server URL        the site (https://img.example) or its upload URL; default $PINHOLE_SERVER
  --key KEY           an API key (chv_…); default $PINHOLE_KEY
  --album ID          add the uploads to this album of yours
  --expire DURATION   delete them after DURATION (seconds or ISO-8601: PT5M, P3D)
  --title TEXT        title for every upload
  --description TEXT  description for every upload
  --tags A,B          comma-separated tags
  --nsfw              mark the uploads not safe for work
  --format txt|json   print one link per upload (txt, the default) or each JSON answer on a line

Prints one line per upload on stdout and one error line per failed upload on stderr.
Exit status: 0 when every upload succeeded, 1 when any failed, 64 for a usage error.`;

const PROGRESS_THRESHOLD = 1_000_000;

export interface UploadIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface Options {
  readonly uploadUrl: string;
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly format: 'txt' | 'json';
}

function humanBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)} KB`;
  return `${n} B`;
}

/** `https://host` or `https://host/api/1/upload` → the upload URL; null when not an http(s) URL. */
export function uploadUrlOf(server: string): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return /\/api\/1\/upload$/.test(base) ? base : `${base}/api/1/upload`;
}

const isUrlSource = (arg: string) => /^https?:\/\//i.test(arg);

/** Counts the bytes of a request body as fetch reads them, to report progress of a large file. */
function counted(body: ReadableStream<Uint8Array>, onBytes: (sent: number) => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent += chunk.byteLength;
        onBytes(sent);
        controller.enqueue(chunk);
      },
    }),
  );
}

type Outcome = { ok: true; line: string } | { ok: false; message: string };

async function answerOf(res: Response, format: Options['format']): Promise<Outcome> {
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  const reason = `${res.status} ${STATUS_CODES[res.status] ?? ''}`.trim();
  if (!res.ok || !json) {
    const error = json?.error as { message?: unknown } | undefined;
    const message = typeof error?.message === 'string' ? error.message : text.trim().slice(0, 200) || 'no answer';
    return { ok: false, message: `${message} (${reason})` };
  }
  const image = (json.image ?? json.data) as Record<string, unknown> | undefined;
  if (format === 'json') return { ok: true, line: JSON.stringify(json) };
  // An upload awaiting moderation has no direct URL yet; its viewer page is the link to share.
  const link = image?.url ?? image?.url_viewer;
  return typeof link === 'string' ? { ok: true, line: link } : { ok: false, message: `unexpected answer (${reason})` };
}

async function uploadOne(item: string, options: Options, io: UploadIo): Promise<Outcome> {
  const headers: Record<string, string> = { 'x-api-key': options.key, accept: 'application/json' };
  const fields = { ...options.fields, format: 'json' };
  if (isUrlSource(item)) {
    const body = new URLSearchParams({ ...fields, source: item });
    return answerOf(await fetch(options.uploadUrl, { method: 'POST', headers, body }), options.format);
  }
  let size: number;
  try {
    const info = await stat(item);
    if (!info.isFile()) return { ok: false, message: 'not a file' };
    size = info.size;
  } catch (error) {
    return { ok: false, message: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})` };
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  // A file-backed Blob: the bytes are read from disk while they are sent, never held whole in memory.
  form.append('source', await openAsBlob(item), path.basename(item));
  if (size <= PROGRESS_THRESHOLD) return answerOf(await fetch(options.uploadUrl, { method: 'POST', headers, body: form }), options.format);

  const name = path.basename(item);
  const started = Date.now();
  const tty = io.stderr.isTTY === true;
  io.stderr.write(`uploading ${name} (${humanBytes(size)})…${tty ? '' : '\n'}`);
  let shownPercent = -1;
  // Serialising the form through a Request gives the multipart stream and its boundary header.
  const encoded = new Request(options.uploadUrl, { method: 'POST', body: form });
  const body = counted(encoded.body ?? new ReadableStream(), (sent) => {
    const percent = Math.min(100, Math.floor((sent / size) * 100));
    if (tty && percent !== shownPercent) io.stderr.write(`\ruploading ${name} (${humanBytes(size)})… ${percent}%`);
    shownPercent = percent;
  });
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: { ...headers, 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' },
    body,
    duplex: 'half',
  };
  try {
    return await answerOf(await fetch(options.uploadUrl, init), options.format);
  } finally {
    io.stderr.write(`${tty ? '\n' : ''}${name}: sent ${humanBytes(size)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

function parse(argv: string[], env: UploadIo['env']): { options: Options; items: string[] } | { usage: string } | { help: true } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        key: { type: 'string' },
        album: { type: 'string' },
        expire: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        tags: { type: 'string' },
        nsfw: { type: 'boolean', default: false },
        format: { type: 'string', default: 'txt' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { usage: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const server = values.server ?? env.PINHOLE_SERVER ?? '';
  const key = values.key ?? env.PINHOLE_KEY ?? '';
  if (server === '') return { usage: 'no server: pass --server URL or set PINHOLE_SERVER' };
  const uploadUrl = uploadUrlOf(server);
  if (!uploadUrl) return { usage: `not an http(s) URL: ${server}` };
  if (key === '') return { usage: 'no key: pass --key KEY or set PINHOLE_KEY' };
  if (values.format !== 'txt' && values.format !== 'json') return { usage: `--format must be txt or json, not "${values.format}"` };
  if (positionals.length === 0) return { usage: 'nothing to upload: name at least one FILE or URL' };
  const fields: Record<string, string> = {};
  if (values.album) fields.album_id = values.album;
  if (values.expire) fields.expiration = values.expire;
  if (values.title) fields.title = values.title;
  if (values.description) fields.description = values.description;
  if (values.tags) fields.tags = values.tags;
  if (values.nsfw) fields.nsfw = '1';
  return { options: { uploadUrl, key, fields, format: values.format }, items: positionals };
}

/** Runs `pinhole upload …`; returns the exit status. */
export async function uploadCommand(argv: string[], io: UploadIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const parsed = parse(argv, io.env);
  if ('help' in parsed) {
    io.stdout.write(`${UPLOAD_USAGE}\n`);
    return 0;
  }
  if ('usage' in parsed) {
    io.stderr.write(`pinhole upload: ${parsed.usage}\n\n${UPLOAD_USAGE}\n`);
    return 64;
  }
  let failed = 0;
  for (const item of parsed.items) {
    let outcome: Outcome;
    try {
      outcome = await uploadOne(item, parsed.options, io);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      outcome = { ok: false, message: `cannot reach ${parsed.options.uploadUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
    }
    if (outcome.ok) io.stdout.write(`${outcome.line}\n`);
    else {
      failed++;
      io.stderr.write(`pinhole upload: ${item}: ${outcome.message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
