/**
 * Persistence ports. The same Kysely implementation serves SQLite and PostgreSQL.
 * Times cross this boundary as Date; ids as positive integers.
 */

export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
  readonly passwordHash: string | null;
  readonly isAdmin: boolean;
  /** Per-user preference: keep EXIF in stored files (null = site default). */
  readonly keepExif: boolean | null;
  /** Per-user default auto-delete (ISO-8601 duration or seconds), or null. */
  readonly defaultExpiration: string | null;
  readonly createdAt: Date;
  /** Interface language chosen by the user ('en' | 'zh-CN'), or null for automatic. */
  readonly language: string | null;
  /** Disabled accounts cannot log in and their keys stop working. */
  readonly disabled: boolean;
}

export interface NewUser {
  readonly username: string;
  readonly email?: string | null;
  readonly passwordHash: string | null;
  readonly isAdmin: boolean;
  readonly createdAt: Date;
}

export interface UserRepository {
  create(user: NewUser): Promise<User>;
  findById(id: number): Promise<User | null>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | null>;
  count(): Promise<number>;
  update(id: number, patch: Partial<Pick<User, 'email' | 'passwordHash' | 'isAdmin' | 'keepExif' | 'defaultExpiration' | 'language' | 'disabled'>>): Promise<void>;
}

export interface ApiKey {
  readonly id: number;
  readonly userId: number;
  readonly label: string;
  /** Keyed hash (hex) of the key's secret part. */
  readonly hash: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface ApiKeyRepository {
  create(key: { userId: number; label: string; hash: string; createdAt: Date }): Promise<ApiKey>;
  findById(id: number): Promise<ApiKey | null>;
  listByUser(userId: number): Promise<ApiKey[]>;
  /** Returns false when the key does not exist or was already revoked. */
  revoke(id: number, at: Date): Promise<boolean>;
  touch(id: number, at: Date): Promise<void>;
}

export type AlbumPrivacy = 'public' | 'private' | 'private_but_link' | 'password';

export interface Album {
  readonly id: number;
  readonly userId: number;
  readonly name: string;
  readonly description: string | null;
  readonly privacy: AlbumPrivacy;
  readonly passwordHash: string | null;
  readonly imageCount: number;
  readonly createdAt: Date;
}

export interface AlbumRepository {
  create(album: { userId: number; name: string; description: string | null; privacy: AlbumPrivacy; passwordHash?: string | null; createdAt: Date }): Promise<Album>;
  findById(id: number): Promise<Album | null>;
  listByUser(userId: number): Promise<Album[]>;
}

export interface Category {
  readonly id: number;
  readonly name: string;
  readonly urlKey: string;
}

export interface CategoryRepository {
  create(category: { name: string; urlKey: string }): Promise<Category>;
  findById(id: number): Promise<Category | null>;
  list(): Promise<Category[]>;
}

export type ImageFileKind = 'image' | 'thumb' | 'medium' | 'frame';

export interface ImageFile {
  readonly kind: ImageFileKind;
  /** Storage key, e.g. `2024/10/10/name.th.jpeg`. Unique across all files. */
  readonly key: string;
  readonly name: string;
  readonly extension: string;
  readonly mime: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
}

export type ImageStatus = 'active' | 'deleting';

export interface ImageRecord {
  readonly id: number;
  readonly userId: number | null;
  readonly apiKeyId: number | null;
  readonly albumId: number | null;
  readonly categoryId: number | null;
  readonly kind: 'image' | 'video';
  /** Stored base name without extension. */
  readonly name: string;
  readonly extension: string;
  readonly mime: string;
  readonly storageMode: 'datefolder';
  /** `YYYY/MM/DD` folder the files live in. */
  readonly datePath: string;
  readonly originalFilename: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly md5: string;
  readonly sourceMd5: string | null;
  /** sha256 of the received bytes. */
  readonly sha256: string;
  readonly chain: number;
  readonly thumbSize: number;
  readonly mediumSize: number;
  readonly frameSize: number;
  readonly isAnimated: boolean;
  readonly isApproved: boolean;
  readonly is360: boolean;
  readonly nsfw: boolean;
  /** Seconds, fractional. */
  readonly duration: number;
  /** The image's date (upload time, or the EXIF date with use_file_date). */
  readonly date: Date;
  /** When the upload happened (flood windows, listings). */
  readonly uploadedAt: Date;
  readonly expiresAt: Date | null;
  readonly views: number;
  readonly likes: number;
  /** JSON string, or null. */
  readonly originalExif: string | null;
  readonly uploaderIp: string;
  readonly status: ImageStatus;
  readonly tags: readonly string[];
  readonly files: readonly ImageFile[];
}

export interface ImageInContext {
  readonly image: ImageRecord;
  readonly owner: User | null;
  readonly album: Album | null;
}

export type NewImage = Omit<ImageRecord, 'id' | 'views' | 'likes' | 'status'>;

export interface ImageRepository {
  /** Inserts the image, its files, its tags (created as needed) and its delete-secret hash, in the caller's transaction. */
  insert(image: NewImage, deleteSecretHash: string): Promise<number>;
  findById(id: number): Promise<ImageRecord | null>;
  /** The image with its owner and its album, in one round trip: what a viewer page needs first. */
  findWithOwnerAndAlbum(id: number): Promise<ImageInContext | null>;
  /** Active image of this user (or of guests when userId is null) with this sha256 of the received bytes. */
  findReusable(userId: number | null, sha256: string): Promise<ImageRecord | null>;
  /** Uploads since `since` from this IP, or with this API key. */
  countUploadsSince(filter: { uploaderIp: string } | { apiKeyId: number }, since: Date): Promise<number>;
  getDeleteSecretHash(imageId: number): Promise<string | null>;
  /** Replaces the delete-secret hash (duplicates = reuse hands out a fresh secret). */
  setDeleteSecretHash(imageId: number, hash: string): Promise<void>;
  /**
   * Flags the image as being deleted; returns false when it was not active. With `claimAt` the
   * caller also takes the deletion's lease (it deletes the files now); without, the deletion waits
   * for whoever claims it (a queued job).
   */
  markDeleting(id: number, claimAt?: Date | null): Promise<boolean>;
  /**
   * Takes the lease of a deletion in progress: true when the image is 'deleting' and nobody holds
   * the lease, or its holder took it before `staleBefore` (an instance that died mid-way).
   */
  claimDeletion(id: number, now: Date, staleBefore: Date): Promise<boolean>;
  /** Active images whose expiry is before `now`, oldest expiry first. */
  findExpired(now: Date, limit: number): Promise<number[]>;
  /** Images left in 'deleting' (an interrupted deletion); with `staleBefore`, only those nobody holds a fresh lease on. */
  findDeleting(limit: number, staleBefore?: Date): Promise<number[]>;
  /** Deletes the rows of the image (files, tags, secret, image); false when the image row was already gone. */
  deleteRows(id: number): Promise<boolean>;
  incrementViews(id: number): Promise<void>;
  /** Adds `count` views to each image of the map (one transaction); images gone meanwhile are skipped. */
  addViews(counts: ReadonlyMap<number, number>): Promise<void>;
  /** Gives guest uploads (user_id null) among `ids` to `userId`; returns how many changed hands. */
  adoptGuestImages(ids: readonly number[], userId: number): Promise<number>;
  /** Those of `keys` that rows still reference (an image being deleted keeps its names until its rows go). */
  fileKeysInUse(keys: readonly string[]): Promise<string[]>;
  /** Every stored file key with its image id (reconciliation). */
  listFileKeys(): AsyncIterable<{ imageId: number; key: string }>;
  count(): Promise<number>;
}

export interface Job {
  readonly id: number;
  readonly type: string;
  /** JSON text; handlers parse it with zod. */
  readonly payload: string;
  readonly runAt: Date;
  readonly attempts: number;
}

export interface JobRepository {
  enqueue(job: { type: string; payload: string; runAt: Date }): Promise<number>;
  /** Leases up to `limit` due jobs to `worker` until `leaseUntil`; a job whose lease ran out is claimable again. */
  claim(now: Date, worker: string, leaseUntil: Date, limit: number): Promise<Job[]>;
  complete(id: number): Promise<void>;
  fail(id: number, error: string, retryAt: Date | null): Promise<void>;
  countPending(): Promise<number>;
}

export interface SettingRepository {
  get(key: string): Promise<string | null>;
  /** Stores the value unless the key exists; returns the value in force. */
  getOrInit(key: string, value: string): Promise<string>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every setting whose key starts with `prefix`. */
  list(prefix: string): Promise<Array<{ key: string; value: string }>>;
}

export interface Session {
  /** sha256 (hex) of the cookie token. */
  readonly id: string;
  readonly userId: number | null;
  /** JSON text; the session service parses it with zod. */
  readonly data: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface SessionRepository {
  create(session: Session): Promise<void>;
  /** The session unless it expired before `now`. */
  find(id: string, now: Date): Promise<Session | null>;
  update(id: string, patch: { userId?: number | null; data?: string; expiresAt?: Date }): Promise<void>;
  delete(id: string): Promise<void>;
  deleteByUser(userId: number): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

export interface DeletionRecord {
  readonly imageId: number;
  /** Why: 'expired', 'request' (delete link, owner, admin), 'interrupted' (finished after a crash). */
  readonly reason: string;
  /** The process that deleted it (PINHOLE_INSTANCE_ID). */
  readonly instanceId: string;
  readonly deletedAt: Date;
}

/** The deletions log: one entry per deleted upload, written with the deletion of its rows. */
export interface DeletionLogRepository {
  record(entry: DeletionRecord): Promise<void>;
  /** Entries since `since`, oldest first. */
  listSince(since: Date, limit: number): Promise<DeletionRecord[]>;
}

export interface RateLimitRepository {
  /** Counts one hit in the fixed window of `key`; returns the count and when the window resets. */
  hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }>;
  reset(key: string): Promise<void>;
}

export interface Repositories {
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly albums: AlbumRepository;
  readonly categories: CategoryRepository;
  readonly images: ImageRepository;
  readonly jobs: JobRepository;
  readonly settings: SettingRepository;
  readonly sessions: SessionRepository;
  readonly rateLimits: RateLimitRepository;
  readonly deletions: DeletionLogRepository;
  readonly admin: import('./admin-repository.js').AdminRepository;
  readonly listings: import('./gallery.js').ListingRepository;
  readonly curation: import('./gallery.js').CurationRepository;
}

export interface Database extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction; repositories passed to it act inside it. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
