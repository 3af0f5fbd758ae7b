/**
 * Rate-limit counters in Redis (PINHOLE_REDIS_URL): shared by every instance, whatever database
 * each one has. Needs Redis at 127.0.0.1:6379 (PINHOLE_TEST_REDIS_URL overrides); skipped with a
 * warning when it is not there, except under CI=true, where that fails the run.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimitRepository } from '../../src/redis/redis-rate-limit.repository.js';
import { startTestServer, type TestServer } from '../helpers/app.js';

const REDIS_URL = process.env['PINHOLE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') throw new Error(`Redis is required on CI but ${REDIS_URL} is unreachable: ${reason}`);
    console.warn(`Redis at ${REDIS_URL} is unreachable (${reason}); skipping the Redis tests`);
    return false;
  } finally {
    probe.disconnect();
  }
}

const available = await redisAvailable();
const run = randomBytes(4).toString('hex');

describe.skipIf(!available)('RedisRateLimitRepository', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(REDIS_URL);
    b = new Redis(REDIS_URL);
  });
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it('counts hits of two clients into one fixed window', async () => {
    const first = new RedisRateLimitRepository(a);
    const second = new RedisRateLimitRepository(b);
    const key = `test:${run}:shared`;
    const now = new Date();
    const one = await first.hit(key, 60_000, now);
    expect(one.count).toBe(1);
    expect(one.resetAt.getTime()).toBeGreaterThan(now.getTime() + 59_000);
    expect(one.resetAt.getTime()).toBeLessThanOrEqual(now.getTime() + 60_000);
    expect((await second.hit(key, 60_000, now)).count).toBe(2);
    // Later hits keep the window's end: the timer started with the first hit.
    expect((await first.hit(key, 60_000, new Date(now.getTime() + 10))).resetAt.getTime()).toBeLessThanOrEqual(one.resetAt.getTime() + 10);
    await second.reset(key);
    expect((await first.hit(key, 60_000, now)).count).toBe(1);
    await first.reset(key);
  });

  it('starts a new window once the old one ran out', async () => {
    const repo = new RedisRateLimitRepository(a);
    const key = `test:${run}:expiring`;
    expect((await repo.hit(key, 30, new Date())).count).toBe(1);
    const deadline = Date.now() + 5000;
    while ((await a.exists(`pinhole:ratelimit:${key}`)) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await repo.hit(key, 30, new Date())).count).toBe(1);
    await repo.reset(key);
  });
});

describe.skipIf(!available)('two instances with PINHOLE_REDIS_URL and separate databases', () => {
  let one: TestServer;
  let two: TestServer;
  beforeAll(async () => {
    one = await startTestServer({ PINHOLE_REDIS_URL: REDIS_URL });
    two = await startTestServer({ PINHOLE_REDIS_URL: REDIS_URL });
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
  });

  it('share login throttling through Redis, and /readyz checks Redis', async () => {
    const ip = `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const username = `user-${run}`;
    for (let i = 0; i < 10; i++) expect((await one.c.webAuth.throttleLogin(ip, username)).ok).toBe(true);
    // The eleventh attempt, on the other instance (which has its own SQLite database), is refused.
    const refused = await two.c.webAuth.throttleLogin(ip, username);
    expect(refused.ok).toBe(false);
    expect(one.c.db.rateLimits).toBeInstanceOf(RedisRateLimitRepository);
    const ready = await fetch(`${two.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok', redis: 'ok' } });
  });
});
