import { randomBytes } from 'node:crypto';
import type { Database, ImageFile, ImageFileKind, NewImage } from '../../src/ports/repositories.js';
import type { DatabaseConfig } from '../../src/db/database.js';

/** What each shared test body gets from the dialect variant running it. */
export interface SuiteContext {
  /** The variant's main database, open for the whole suite. */
  db(): Database;
  /** Another Database instance on the same store (a second process, as far as the store can tell). */
  openAnother(): Promise<Database>;
  /** A store nobody has opened yet; `cleanup` removes it. */
  freshStore(): Promise<{ config: DatabaseConfig; cleanup(): Promise<void> }>;
}

const run = randomBytes(4).toString('hex');
let sequence = 0;

/** Unique per call and per run, so tests sharing one database never collide. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}_${run}_${sequence}`;
}

export function file(kind: ImageFileKind, key: string, overrides: Partial<ImageFile> = {}): ImageFile {
  return { kind, key, name: key.replace(/\.[^.]+$/, ''), extension: 'jpeg', mime: 'image/jpeg', size: 1234, width: 160, height: 120, ...overrides };
}

/** A complete NewImage whose file keys and hashes are unique; expiry defaults to none. */
export function newImage(overrides: Partial<NewImage> = {}): NewImage {
  const name = unique('img');
  return {
    userId: null,
    apiKeyId: null,
    albumId: null,
    categoryId: null,
    kind: 'image',
    name,
    extension: 'jpeg',
    mime: 'image/jpeg',
    storageMode: 'datefolder',
    datePath: '2024/10/10',
    originalFilename: 'holiday.jpg',
    title: null,
    description: null,
    size: 2048,
    width: 800,
    height: 600,
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    sourceMd5: null,
    sha256: unique('sha'),
    chain: 7,
    thumbSize: 100,
    mediumSize: 200,
    frameSize: 0,
    isAnimated: false,
    isApproved: true,
    is360: false,
    nsfw: false,
    duration: 0,
    date: new Date('2024-10-10T12:00:00.000Z'),
    uploadedAt: new Date('2024-10-10T12:00:00.000Z'),
    expiresAt: null,
    originalExif: null,
    uploaderIp: '192.0.2.1',
    tags: [],
    files: [file('image', `2024/10/10/${name}.jpeg`), file('thumb', `2024/10/10/${name}.th.jpeg`)],
    ...overrides,
  };
}

export async function createUser(db: Database): Promise<number> {
  const user = await db.users.create({ username: unique('user'), passwordHash: null, isAdmin: false, createdAt: new Date(0) });
  return user.id;
}
