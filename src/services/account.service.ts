import { AppError } from '../errors/app-error.js';
import type { Clock } from '../ports/clock.js';
import type { ApiKey, Repositories, User } from '../ports/repositories.js';
import type { PublicIdCodec } from '../domain/public-id.js';
import { formatApiKey, parseApiKey } from '../domain/api-key.js';
import { hashPassword, keyedHash, randomHex, safeEqual } from '../lib/secrets.js';

/** Who is uploading: a user through one of their keys, or a guest through the site-wide guest key. */
export type Principal =
  | { readonly kind: 'user'; readonly user: User; readonly apiKeyId: number | null }
  | { readonly kind: 'guest' };

export interface AccountServiceDeps {
  readonly repos: Repositories;
  readonly clock: Clock;
  readonly ids: PublicIdCodec;
  /** Site secret that keys the hash of API key secrets. */
  readonly pepper: string;
  /** Site-wide guest key; empty when guest API uploads are off. */
  readonly guestKey: string;
}

const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{1,31}$/;
/** Route names and reserved paths a username must not shadow. */
const RESERVED = new Set(['api', 'images', 'image', 'clip', 'video', 'album', 'upload', 'login', 'logout', 'signup', 'settings', 'dashboard', 'explore', 'search', 'tag', 'user', 'json', 'oembed', 'static', 'assets']);
/** Whether a name is allowed as a username (format and reserved names), before asking the database. */
export function isValidUsername(name: string): boolean {
  return USERNAME.test(name) && !RESERVED.has(name.toLowerCase());
}

/** last_used_at is refreshed at most this often, so auth does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** Users and their API keys (SPEC-API A2): creation, listing, revocation and authentication. */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async createUser(input: { username: string; password?: string | null; isAdmin?: boolean; email?: string | null }): Promise<User> {
    const { repos, clock } = this.deps;
    if (!USERNAME.test(input.username) || RESERVED.has(input.username.toLowerCase())) {
      throw new AppError('INVALID_PARAMETER', { detail: 'username must be 2-32 letters, digits, dots, dashes or underscores and not a reserved name' });
    }
    if (input.password != null && input.password.length < 8) {
      throw new AppError('INVALID_PARAMETER', { detail: 'password must have at least 8 characters' });
    }
    if (await repos.users.findByUsername(input.username)) {
      throw new AppError('INVALID_PARAMETER', { detail: `user "${input.username}" already exists` });
    }
    return repos.users.create({
      username: input.username,
      email: input.email ?? null,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      isAdmin: input.isAdmin ?? false,
      createdAt: clock.now(),
    });
  }

  async findUser(username: string): Promise<User | null> {
    return this.deps.repos.users.findByUsername(username);
  }

  /** Creates a key; the returned plaintext exists only here. */
  async createKey(userId: number, label: string): Promise<{ key: string; record: ApiKey }> {
    const { repos, clock, ids, pepper } = this.deps;
    const secret = randomHex(32);
    const record = await repos.apiKeys.create({ userId, label: label.slice(0, 100), hash: keyedHash(pepper, secret), createdAt: clock.now() });
    return { key: formatApiKey(ids.encode(record.id), secret), record };
  }

  /** The public part of a key (`chv_<id>_`), safe to show again later. */
  keyPrefix(key: ApiKey): string {
    return `chv_${this.deps.ids.encode(key.id)}_`;
  }

  listKeys(userId: number): Promise<ApiKey[]> {
    return this.deps.repos.apiKeys.listByUser(userId);
  }

  async revokeKey(keyId: number): Promise<boolean> {
    return this.deps.repos.apiKeys.revoke(keyId, this.deps.clock.now());
  }

  /** Revokes a key only if it belongs to `userId`; another user's key is treated as missing. */
  async revokeOwnKey(userId: number, keyId: number): Promise<boolean> {
    const record = await this.deps.repos.apiKeys.findById(keyId);
    if (!record || record.userId !== userId) return false;
    return this.revokeKey(keyId);
  }

  /**
   * The active key record of `userId` matching a presented plaintext key, or null. Unlike
   * `authenticate` it does not count as a use of the key (no last-use update).
   */
  async findOwnKey(userId: number, presented: string): Promise<ApiKey | null> {
    const { repos, ids, pepper } = this.deps;
    const parsed = parseApiKey(presented);
    const id = parsed ? ids.decode(parsed.encodedId) : null;
    const record = id === null ? null : await repos.apiKeys.findById(id);
    if (!parsed || !record || record.userId !== userId || record.revokedAt !== null) return null;
    return safeEqual(keyedHash(pepper, parsed.secret), record.hash) ? record : null;
  }

  /** Decodes a key id as printed by `key list` (encoded) or a plain number. */
  decodeKeyId(text: string): number | null {
    const prefix = /^chv_([A-Za-z0-9]+)_?/.exec(text);
    const decoded = this.deps.ids.decode(prefix ? (prefix[1] ?? '') : text);
    // The ID as listed comes first: a public ID can be all digits ("38") and must not be read as a row number.
    if (decoded !== null) return decoded;
    return /^\d{1,15}$/.test(text) ? Number(text) : null;
  }

  /**
   * Resolves an API key to a principal. Every failure is the same INVALID_KEY, and the secret is
   * compared in constant time, so the answer tells nothing about which part was wrong.
   */
  async authenticate(presented: string): Promise<Principal> {
    const { repos, ids, pepper, guestKey, clock } = this.deps;
    if (guestKey !== '' && safeEqual(presented, guestKey)) return { kind: 'guest' };
    const parsed = parseApiKey(presented);
    const id = parsed ? ids.decode(parsed.encodedId) : null;
    const record = id === null ? null : await repos.apiKeys.findById(id);
    const expected = record?.hash ?? keyedHash(pepper, 'no-such-key');
    const matches = safeEqual(keyedHash(pepper, parsed?.secret ?? ''), expected);
    if (!parsed || !record || !matches || record.revokedAt !== null) throw new AppError('INVALID_KEY');
    const user = await repos.users.findById(record.userId);
    if (!user || user.disabled) throw new AppError('INVALID_KEY');
    const now = clock.now();
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await repos.apiKeys.touch(record.id, now);
    }
    return { kind: 'user', user, apiKeyId: record.id };
  }

  /**
   * First start on an empty database: an `admin` account and one key, returned so the caller can print
   * them once. Returns null when users already exist.
   */
  async bootstrapAdmin(password: string | undefined): Promise<{ user: User; password: string | null; key: string } | null> {
    if ((await this.deps.repos.users.count()) > 0) return null;
    const generated = password ?? randomHex(12);
    const user = await this.createUser({ username: 'admin', password: generated, isAdmin: true });
    const { key } = await this.createKey(user.id, 'default');
    return { user, password: password ? null : generated, key };
  }
}
