import { createReadStream, mkdirSync } from 'node:fs';
import { stat as fsStat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { mimeForExtension } from '../media/mime.js';
import type { BlobPut, BlobStat, BlobStore } from '../ports/blob-store.js';
import { BlobKeyTakenError, assertValidBlobKey, isValidBlobKey } from './blob-key.js';

export interface S3StoreSettings {
  /** Endpoint of an S3-compatible service (MinIO, R2, Ceph, B2…); unset means AWS itself. */
  readonly endpoint?: string | undefined;
  readonly region: string;
  readonly bucket: string;
  /** Both or neither; unset means the SDK's default credential chain (environment, instance role…). */
  readonly accessKeyId?: string | undefined;
  readonly secretAccessKey?: string | undefined;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO and most self-hosted servers). */
  readonly forcePathStyle: boolean;
  /** Prepended to every key, e.g. `pinhole/`; empty for the bucket's root. */
  readonly prefix: string;
}

export interface S3StoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix?: string;
  /** Local folder for spooled uploads and processing output, e.g. `<dataDir>/tmp`. */
  readonly tmpDir: string;
  /**
   * Files up to this size go up in one streamed PutObject; larger ones as a multipart upload of
   * parts this big (S3's minimum is 5 MiB). Default 8 MiB.
   */
  readonly partSize?: number;
  /** Parts in flight at once per multipart upload (memory is about partSize × this). Default 2. */
  readonly queueSize?: number;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
/** Stored files never change in place, so caches (a CDN in front of a public bucket) may keep them. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Builds the SDK client for a configured bucket. */
export function createS3Client(settings: S3StoreSettings): S3Client {
  const credentials =
    settings.accessKeyId !== undefined && settings.secretAccessKey !== undefined
      ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
      : undefined;
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
    // Checksums only where S3 requires them: the newer default (a trailing CRC in aws-chunked
    // bodies) is not understood by many S3-compatible servers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  return typeof Code === 'string' ? Code : typeof name === 'string' ? name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const meta = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

function isMissing(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NotFound' || name === 'NoSuchKey' || httpStatus(error) === 404;
}

/** The write lost to an existing object (412), or to a concurrent conditional write (409). */
function isTaken(error: unknown): boolean {
  const name = errorName(error);
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || httpStatus(error) === 412;
}

/** The server does not know conditional writes (old MinIO, some gateways). */
function isConditionUnsupported(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NotImplemented' || httpStatus(error) === 501;
}

function missingError(key: string, cause?: unknown): Error {
  return Object.assign(new Error(`No such blob: ${key}`, cause === undefined ? undefined : { cause }), { code: 'ENOENT' });
}

/**
 * BlobStore on an S3-compatible bucket. Uploads are processed in a local temp folder and pushed
 * from there (streamed: one PutObject, or a multipart upload for large files, never a whole file
 * in memory); the temp file is removed once the object is stored.
 *
 * No clobbering: putFile() first checks the key with HEAD, then writes with `If-None-Match: *`,
 * which AWS S3, R2, MinIO and recent Ceph enforce atomically. A server that ignores the header
 * (s3rver, older gateways) is protected by the HEAD check alone, which leaves a window between
 * check and write in which two writers of one key could both succeed; keys carry random or
 * date-folder names chosen after an isFree() check, so such a race needs two uploads picking the
 * same name in the same instant. A server that refuses the header (501) makes the store drop it.
 */
export class S3Store implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #tmpDir: string;
  readonly #partSize: number;
  readonly #queueSize: number;
  #conditionalWrites = true;

  constructor(options: S3StoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.#prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.#tmpDir = path.resolve(options.tmpDir);
    this.#partSize = Math.max(MIN_PART_SIZE, options.partSize ?? DEFAULT_PART_SIZE);
    this.#queueSize = Math.max(1, options.queueSize ?? 2);
    mkdirSync(this.#tmpDir, { recursive: true });
  }

  tempDir(): string {
    return this.#tmpDir;
  }

  localPath(): null {
    return null;
  }

  /** Object key of a blob key (with the configured prefix). */
  objectKey(key: string): string {
    assertValidBlobKey(key);
    return `${this.#prefix}${key}`;
  }

  async putFile(key: string, tempPath: string): Promise<void> {
    await this.putFiles([{ key, tempPath }]);
  }

  async putFiles(items: readonly BlobPut[]): Promise<void> {
    const pushed: string[] = [];
    try {
      for (const item of items) {
        await this.#putOne(item.key, item.tempPath);
        pushed.push(item.key);
      }
    } catch (error) {
      // All or none: what was sent before the failure is deleted again; the temp files are all kept.
      await Promise.all(pushed.map((key) => this.delete(key).catch(() => undefined)));
      throw error;
    }
    // Stored; a stray temp file is removed by cleanTempDir() on the next start.
    await Promise.all(items.map((item) => unlink(item.tempPath).catch(() => undefined)));
  }

  async #putOne(key: string, tempPath: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const { size } = await fsStat(tempPath);
    if (!(await this.isFree(key))) throw new BlobKeyTakenError(key);
    try {
      await this.#push(objectKey, tempPath, size, this.#conditionalWrites);
    } catch (error) {
      if (isTaken(error)) throw new BlobKeyTakenError(key, { cause: error });
      if (!this.#conditionalWrites || !isConditionUnsupported(error)) throw error;
      this.#conditionalWrites = false;
      await this.#push(objectKey, tempPath, size, false);
    }
  }

  async #push(objectKey: string, tempPath: string, size: number, conditional: boolean): Promise<void> {
    const params: PutObjectCommandInput = {
      Bucket: this.#bucket,
      Key: objectKey,
      ContentType: mimeForExtension(path.extname(objectKey).slice(1)),
      CacheControl: CACHE_CONTROL,
      ...(conditional ? { IfNoneMatch: '*' } : {}),
    };
    if (size <= this.#partSize) {
      // A stream cannot be sent twice, so the SDK's own retry of a failed PutObject cannot work:
      // transient failures (5xx, a dropped connection) are retried here with a fresh stream.
      for (let attempt = 1; ; attempt++) {
        const body = createReadStream(tempPath);
        try {
          await this.#client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: size }));
          return;
        } catch (error) {
          const status = httpStatus(error);
          if (attempt >= 3 || (status !== undefined && status < 500)) throw error;
        } finally {
          body.destroy();
        }
      }
    }
    // lib-storage reads the stream part by part: memory stays at about partSize × queueSize.
    const body = createReadStream(tempPath, { highWaterMark: 1024 * 1024 });
    try {
      const upload = new Upload({
        client: this.#client,
        params: { ...params, Body: body, ContentLength: size },
        partSize: this.#partSize,
        queueSize: this.#queueSize,
      });
      await upload.done();
    } finally {
      body.destroy();
    }
  }

  async isFree(key: string): Promise<boolean> {
    return (await this.#head(this.objectKey(key))) === null;
  }

  async stat(key: string): Promise<BlobStat | null> {
    if (!isValidBlobKey(key)) return null;
    return this.#head(this.objectKey(key));
  }

  async #head(objectKey: string): Promise<BlobStat | null> {
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      return { size: out.ContentLength ?? 0, mtimeMs: out.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** `range` is inclusive on both ends; the object is fetched when the stream is first read. */
  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    if (!isValidBlobKey(key)) return failedStream(missingError(key));
    return new S3ObjectStream(this.#client, this.#bucket, this.objectKey(key), key, range);
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing key with success, which is what the port asks for.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.objectKey(key) }));
  }

  async *list(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix === '' ? undefined : this.#prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.#prefix.length);
        // Objects someone else put in the bucket (or under the prefix) are never reported.
        if (object.Key?.startsWith(this.#prefix) === true && isValidBlobKey(key)) yield key;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Readiness: the bucket exists and the credentials may use it. */
  async checkReady(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
  }

  /** Releases the client's sockets. */
  close(): void {
    this.#client.destroy();
  }
}

/**
 * A GetObject body as a Readable that starts the request on first read, honours backpressure, and
 * aborts the request when destroyed (a client that went away stops the download from the bucket).
 */
class S3ObjectStream extends Readable {
  readonly #abort = new AbortController();
  #body: Readable | null = null;
  #started = false;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly objectKey: string,
    private readonly key: string,
    private readonly range: { start: number; end: number } | undefined,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _read(): void {
    if (this.#started) {
      this.#body?.resume();
      return;
    }
    this.#started = true;
    void this.#open();
  }

  async #open(): Promise<void> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey,
          ...(this.range === undefined ? {} : { Range: `bytes=${this.range.start}-${this.range.end}` }),
        }),
        { abortSignal: this.#abort.signal },
      );
      const body = out.Body;
      if (!(body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
      if (this.destroyed) {
        body.destroy();
        return;
      }
      this.#body = body;
      // Bytes to drop and to pass on: a server that ignores Range (200, or a wider 206 than asked
      // for, as s3rver does for `bytes=0-0`) must still yield exactly the requested bytes.
      let skip = 0;
      let left = Number.POSITIVE_INFINITY;
      if (this.range !== undefined) {
        const served = /^bytes (\d+)-/.exec(out.ContentRange ?? '');
        skip = Math.max(0, this.range.start - (served ? Number(served[1]) : 0));
        left = this.range.end - this.range.start + 1;
      }
      body.on('data', (chunk: Buffer) => {
        if (left <= 0) return;
        let part = chunk;
        if (skip > 0) {
          const dropped = Math.min(skip, part.length);
          skip -= dropped;
          part = part.subarray(dropped);
        }
        if (part.length > left) part = part.subarray(0, left);
        left -= part.length;
        if (part.length > 0 && !this.push(part)) body.pause();
        if (left <= 0) {
          this.push(null);
          body.destroy();
        }
      });
      body.once('end', () => {
        if (left > 0) this.push(null);
      });
      body.on('error', (error) => {
        // Errors after the last wanted byte (the body was cut short on purpose) are no failure.
        if (left > 0) this.destroy(error);
      });
    } catch (error) {
      if (this.destroyed) return;
      if (isMissing(error)) this.destroy(missingError(this.key, error));
      // A range past the end of an empty object: nothing to send.
      else if (httpStatus(error) === 416 && this.range?.start === 0) this.push(null);
      else this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#abort.abort();
    this.#body?.destroy();
    callback(error);
  }
}

/** A stream that fails like a missing file, on the next tick so callers can attach listeners first. */
function failedStream(error: Error): Readable {
  const stream = new Readable({ read() {} });
  process.nextTick(() => stream.destroy(error));
  return stream;
}
