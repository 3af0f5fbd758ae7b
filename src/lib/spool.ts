import { createHash, randomUUID } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/app-error.js';

export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface SpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

/** Decimal megabytes, because that is how operators write the limit in the config ("5", "2.5"). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1e6;
  // Sub-megabyte limits (mostly tests) would otherwise round to a misleading "0".
  const shown = mb >= 1 ? Math.round(mb * 100) / 100 : Number(mb.toPrecision(2));
  return String(shown);
}

export function fileTooBig(maxBytes: number): AppError {
  return new AppError('FILE_TOO_BIG', { message: `File too big - max ${formatMegabytes(maxBytes)} MB` });
}

/** For cleanup paths: a file that is already gone, or cannot be removed, must not mask the real error. */
export async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // Nothing useful to do; the original failure is what the caller reports.
  }
}

/** Bytes gathered before one write to the temp file. */
const WRITE_BATCH = 256 * 1024;

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function toPublicError(error: unknown): unknown {
  if (isDiskFull(error)) return new AppError('STORAGE_FULL', { cause: error });
  return error;
}

/**
 * Streams `source` into a fresh temp file in `dir`, hashing as it goes, so a large upload is never held
 * in memory and is never read twice. Whatever goes wrong, no partial file is left behind.
 */
export async function spoolToFile(source: Readable, opts: SpoolOptions): Promise<SpooledFile> {
  const path = join(opts.dir, `${randomUUID()}.part`);
  let handle: FileHandle;
  try {
    // 'wx' so a name collision or a planted symlink fails instead of writing through it.
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    source.destroy();
    throw toPublicError(error);
  }

  const sha256 = createHash('sha256');
  let size = 0;
  // Chunks arrive as the socket delivers them (often 16–64 KiB); each write is a round trip through
  // the thread pool, so they are gathered and written WRITE_BATCH bytes at a time, as one buffer (the
  // file stream takes one chunk at a time, so separate chunks would still be separate writes).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const handOn = (stream: Transform): void => {
    if (pendingBytes === 0) return;
    stream.push(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  const meter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > opts.maxBytes) {
        // Failing the transform makes pipeline destroy the source at once: we stop downloading now,
        // not after the sender has finished pushing an oversized body at us.
        callback(fileTooBig(opts.maxBytes));
        return;
      }
      sha256.update(bytes);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= WRITE_BATCH) handOn(this);
      callback();
    },
    flush(callback) {
      handOn(this);
      callback();
    },
  });
  const sink = handle.createWriteStream();

  try {
    await pipeline(source, meter, sink, opts.signal ? { signal: opts.signal } : {});
  } catch (error) {
    // The file exists from open() on, so unlinking now cannot race with a late create.
    sink.destroy();
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
    await removeQuietly(path);
    throw toPublicError(error);
  }
  return { path, size, sha256: sha256.digest('hex') };
}
