import { z } from 'zod';

/**
 * A urlencoded form field: repeated fields keep the first value, missing or non-text ones become ''.
 * Forms posted from elsewhere (multipart, JSON) parse the same way or come out empty.
 */
const field = z.preprocess((value) => (Array.isArray(value) ? value[0] : value), z.string().catch(''));

/** Parses a form body into the named text fields (each '' when absent). */
export function readForm<const K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  const shape = Object.fromEntries(names.map((n) => [n, field])) as Record<K, typeof field>;
  const parsed = z.object(shape).safeParse(typeof body === 'object' && body !== null ? body : {});
  if (parsed.success) return parsed.data as Record<K, string>;
  return Object.fromEntries(names.map((n) => [n, ''])) as Record<K, string>;
}

/**
 * Where to go after logging in: only a path on this site. Protocol-relative (`//host`), backslash
 * tricks (`/\host`, which browsers treat as `//host`), control characters and absolute URLs all
 * fall back to `/`, so `next` cannot send someone to another site.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  let parsed: URL;
  try {
    parsed = new URL(value, 'http://pinhole.invalid');
  } catch {
    return '/';
  }
  if (parsed.origin !== 'http://pinhole.invalid') return '/';
  // Coming back to the account forms themselves would loop or log out again.
  if (/^\/(login|logout|signup)(\/|$)/.test(parsed.pathname)) return '/';
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

const EMAIL = /^[^\s@<>"']+@[^\s@<>"']+\.[^\s@<>"']+$/;

export function isPlausibleEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

export const PASSWORD_MIN = 8;
/** scrypt takes any length, but nobody needs more and a megabyte password is only a way to burn CPU. */
export const PASSWORD_MAX = 1024;
