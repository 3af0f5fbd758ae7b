import { createHash, randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, S3Store } from '../../src/storage/s3.store.js';
import { startTestS3, type TestS3 } from '../helpers/s3.js';
import { blobStoreContract } from './blob-store.contract.js';

let s3: TestS3;
const tempDirs: string[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
});

afterAll(async () => {
  await s3.stop();
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function makeStore(options: { partSize?: number } = {}): Promise<{ store: S3Store; prefix: string; tmp: string }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pinhole-s3-tmp-'));
  tempDirs.push(tmp);
  // A fresh prefix per store: each one starts empty in the shared bucket.
  const prefix = `p${randomBytes(4).toString('hex')}/`;
  const store = new S3Store({ client: s3.client, bucket: s3.bucket, prefix, tmpDir: tmp, ...options });
  return { store, prefix, tmp };
}

blobStoreContract('S3Store (s3rver on loopback)', async () => {
  const { store, tmp } = await makeStore();
  return { store, cleanup: () => rm(tmp, { recursive: true, force: true }) };
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

describe('S3Store specifics', () => {
  it('has no local paths and a local temp folder', async () => {
    const { store, tmp } = await makeStore();
    expect(store.localPath()).toBeNull();
    expect(store.tempDir()).toBe(tmp);
  });

  it('pushes a large file as a streamed multipart upload and reads it back whole and in ranges', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'pinhole-s3-tmp-'));
    tempDirs.push(tmp);
    const prefix = `big${randomBytes(4).toString('hex')}/`;
    // A client of its own that records every command it sends.
    const client = createS3Client(s3.settings);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const store = new S3Store({ client, bucket: s3.bucket, prefix, tmpDir: tmp, partSize: 5 * 1024 * 1024 });
    const data = randomBytes(12 * 1024 * 1024 + 123);
    const temp = path.join(store.tempDir(), 'big.part');
    await writeFile(temp, data);
    await store.putFile('2024/03/03/big.mp4', temp);
    expect(await exists(temp)).toBe(false);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${prefix}2024/03/03/big.mp4` }));
    // 5 + 5 + 2.x MiB: three parts, never one request with the whole file.
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
    expect(head.ContentType).toBe('video/mp4');
    expect(head.ContentLength).toBe(data.length);
    const whole = await readAll(store.createReadStream('2024/03/03/big.mp4'));
    expect(createHash('sha256').update(whole).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    const start = 6 * 1024 * 1024 - 10;
    expect(await readAll(store.createReadStream('2024/03/03/big.mp4', { start, end: start + 99 }))).toEqual(data.subarray(start, start + 100));
    client.destroy();
  });

  it('stops the download when the reader goes away', async () => {
    const { store } = await makeStore();
    const temp = path.join(store.tempDir(), 'mid.part');
    await writeFile(temp, randomBytes(3 * 1024 * 1024));
    await store.putFile('2024/03/04/mid.webm', temp);
    const stream = store.createReadStream('2024/03/04/mid.webm');
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
  });

  it('lists only its own well-formed keys under its prefix', async () => {
    const { store, prefix } = await makeStore();
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}notes.txt`, Body: 'x' }));
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}2024/01/01/.hidden.jpg`, Body: 'x' }));
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: '2024/01/01/outside.jpg', Body: 'x' }));
    const temp = path.join(store.tempDir(), 'in.part');
    await writeFile(temp, 'in');
    await store.putFile('2024/01/01/in.jpg', temp);
    const keys: string[] = [];
    for await (const key of store.list()) keys.push(key);
    expect(keys).toEqual(['2024/01/01/in.jpg']);
  });

  it('answers readiness against the bucket, and fails it for a missing bucket', async () => {
    const { store, tmp } = await makeStore();
    await expect(store.checkReady()).resolves.toBeUndefined();
    const missing = new S3Store({ client: s3.client, bucket: 'no-such-bucket', tmpDir: tmp });
    await expect(missing.checkReady()).rejects.toThrow();
  });
});
