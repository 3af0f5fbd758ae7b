import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client, type S3StoreSettings } from '../../src/storage/s3.store.js';

// The SDK's notice that later versions will need Node.js 22 says nothing about the tests.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** s3rver's built-in account. */
const ACCESS_KEY = 'S3RVER';

export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly settings: S3StoreSettings;
  /** The PINHOLE_* variables that point a server at this bucket. */
  readonly env: Record<string, string>;
  readonly client: S3Client;
  /** Every object key in the bucket (prefix included). */
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on a loopback port with a fresh directory and one bucket. It
 * checks request signatures, handles multipart uploads and ranges, and ignores If-None-Match on
 * writes (so the store's HEAD check is what keeps keys from being overwritten here).
 */
export async function startTestS3(options: { prefix?: string } = {}): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'pinhole-s3rver-'));
  const bucket = `pinhole-${randomBytes(4).toString('hex')}`;
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const settings: S3StoreSettings = {
    endpoint,
    region: 'us-east-1',
    bucket,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: ACCESS_KEY,
    forcePathStyle: true,
    prefix: options.prefix ?? '',
  };
  const client = createS3Client(settings);
  return {
    endpoint,
    bucket,
    settings,
    client,
    env: {
      PINHOLE_STORAGE: 's3',
      PINHOLE_S3_ENDPOINT: endpoint,
      PINHOLE_S3_REGION: settings.region,
      PINHOLE_S3_BUCKET: bucket,
      PINHOLE_S3_ACCESS_KEY_ID: ACCESS_KEY,
      PINHOLE_S3_SECRET_ACCESS_KEY: ACCESS_KEY,
      PINHOLE_S3_FORCE_PATH_STYLE: 'true',
      ...(settings.prefix === '' ? {} : { PINHOLE_S3_PREFIX: settings.prefix }),
    },
    async keys() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
