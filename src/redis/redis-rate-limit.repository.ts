import { Redis } from 'ioredis';
import type { RateLimitRepository } from '../ports/repositories.js';

const KEY_PREFIX = 'pinhole:ratelimit:';

/**
 * Fixed-window counters in Redis (PINHOLE_REDIS_URL): one round trip per hit, no database write.
 * INCR and PEXPIRE … NX run in one MULTI, so the first hit of a window starts its timer and every
 * instance counts into the same key. Windows are timed by Redis's clock, not the injected one.
 */
export class RedisRateLimitRepository implements RateLimitRepository {
  constructor(private readonly redis: Redis) {}

  async hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }> {
    const name = KEY_PREFIX + key;
    const results = await this.redis.multi().incr(name).pexpire(name, windowMs, 'NX').pttl(name).exec();
    if (results === null) throw new Error('Redis rate limit: transaction aborted');
    for (const [error] of results) if (error) throw error;
    const count = Number(results[0]?.[1]);
    const ttl = Number(results[2]?.[1]);
    return { count, resetAt: new Date(now.getTime() + (ttl > 0 ? ttl : windowMs)) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(KEY_PREFIX + key);
  }
}

/** A client that fails fast instead of queueing commands while Redis is away (requests must not hang). */
export function createRedisClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5000, lazyConnect: false });
}
