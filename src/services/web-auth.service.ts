import type { Clock } from '../ports/clock.js';
import type { Repositories, User } from '../ports/repositories.js';
import { hashPassword, verifyPassword } from '../lib/secrets.js';

/** A fixed window: at most `max` hits per `windowMs`. */
export interface Window {
  readonly max: number;
  readonly windowMs: number;
}

export interface WebAuthLimits {
  /** Attempts on one account from one address: guessing one password. */
  readonly loginPerUser: Window;
  /** Attempts from one address on any account: spraying a common password. */
  readonly loginPerIp: Window;
  /** Accounts made from one address; each costs a memory-hard hash. */
  readonly signupPerIp: Window;
  /** Wrong current passwords on the password form; a stolen session must not become a guessing oracle. */
  readonly passwordChange: Window;
}

export const DEFAULT_WEB_AUTH_LIMITS: WebAuthLimits = {
  loginPerUser: { max: 10, windowMs: 15 * 60_000 },
  loginPerIp: { max: 50, windowMs: 15 * 60_000 },
  signupPerIp: { max: 20, windowMs: 60 * 60_000 },
  passwordChange: { max: 10, windowMs: 15 * 60_000 },
};

export interface WebAuthServiceDeps {
  readonly repos: Pick<Repositories, 'users' | 'rateLimits' | 'sessions'>;
  readonly clock: Clock;
  readonly limits?: Partial<WebAuthLimits>;
}

/** Allowed, or refused with the seconds until the window resets. */
export type Throttle = { readonly ok: true } | { readonly ok: false; readonly retryAfter: number };

export type PasswordChange = { readonly kind: 'ok' } | { readonly kind: 'wrong-current' } | { readonly kind: 'throttled'; readonly retryAfter: number };

export type LoginResult = { readonly kind: 'ok'; readonly user: User } | { readonly kind: 'wrong' } | { readonly kind: 'disabled' };

/**
 * Password logins, their throttling and the account's own settings. Counters live in the database
 * (`rateLimits`) so every instance of a scaled-out site enforces the same limits.
 */
export class WebAuthService {
  private readonly limits: WebAuthLimits;
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: WebAuthServiceDeps) {
    this.limits = { ...DEFAULT_WEB_AUTH_LIMITS, ...deps.limits };
  }

  /** Counts one login attempt; refused when either the address or the address+account is over its limit. */
  async throttleLogin(ip: string, username: string): Promise<Throttle> {
    const user = await this.hit(loginUserKey(ip, username), this.limits.loginPerUser);
    const all = await this.hit(`login:ip:${ip}`, this.limits.loginPerIp);
    return worst(user, all);
  }

  /**
   * Only the address+account counter is reset: resetting the per-address one would let anyone with
   * an account of their own wipe it between guesses at other accounts.
   */
  async loginSucceeded(ip: string, username: string): Promise<void> {
    await this.deps.repos.rateLimits.reset(loginUserKey(ip, username));
  }

  throttleSignup(ip: string): Promise<Throttle> {
    return this.hit(`signup:ip:${ip}`, this.limits.signupPerIp);
  }

  /**
   * Checks a username and password. A missing account still costs one hash, so the answer time does
   * not tell which usernames exist; a disabled account is only reported after the right password.
   */
  async verifyLogin(username: string, password: string): Promise<LoginResult> {
    const user = username === '' ? null : await this.deps.repos.users.findByUsername(username);
    if (!user?.passwordHash) {
      await verifyPassword(password, await this.dummy());
      return { kind: 'wrong' };
    }
    if (!(await verifyPassword(password, user.passwordHash))) return { kind: 'wrong' };
    if (user.disabled) return { kind: 'disabled' };
    return { kind: 'ok', user };
  }

  /**
   * Replaces the password after checking the current one and ends every session of the user; the
   * caller opens a fresh one for the browser that made the change.
   */
  async changePassword(user: User, current: string, next: string): Promise<PasswordChange> {
    const throttle = await this.hit(`password:user:${user.id}`, this.limits.passwordChange);
    if (!throttle.ok) return { kind: 'throttled', retryAfter: throttle.retryAfter };
    const fresh = await this.deps.repos.users.findById(user.id);
    if (!fresh?.passwordHash || !(await verifyPassword(current, fresh.passwordHash))) return { kind: 'wrong-current' };
    await this.deps.repos.users.update(user.id, { passwordHash: await hashPassword(next) });
    await this.deps.repos.sessions.deleteByUser(user.id);
    await this.deps.repos.rateLimits.reset(`password:user:${user.id}`);
    return { kind: 'ok' };
  }

  async updateAccount(userId: number, patch: { email: string | null; language: string | null }): Promise<void> {
    await this.deps.repos.users.update(userId, patch);
  }

  async updateUploadPreferences(userId: number, patch: { keepExif: boolean | null; defaultExpiration: string | null }): Promise<void> {
    await this.deps.repos.users.update(userId, patch);
  }

  private async hit(key: string, window: Window): Promise<Throttle> {
    const now = this.deps.clock.now();
    const { count, resetAt } = await this.deps.repos.rateLimits.hit(key, window.windowMs, now);
    if (count <= window.max) return { ok: true };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)) };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('pinhole-dummy-password');
    return this.dummyHash;
  }
}

function loginUserKey(ip: string, username: string): string {
  return `login:user:${ip}:${username.toLowerCase().slice(0, 64)}`;
}

function worst(a: Throttle, b: Throttle): Throttle {
  if (a.ok) return b;
  if (b.ok) return a;
  return { ok: false, retryAfter: Math.max(a.retryAfter, b.retryAfter) };
}
