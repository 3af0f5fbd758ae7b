import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock.js';

export interface ViewCounterOptions {
  readonly clock: Clock;
  /** How long a browser's view of an image is remembered. */
  readonly ttlMs?: number;
  /** Bound on remembered views; the oldest are forgotten first. */
  readonly maxEntries?: number;
}

/**
 * Remembers, per browser and image, that a view was counted, so reloading a viewer page does not
 * inflate its views. Kept in memory: losing it on restart only counts a view twice, and each
 * instance of a scaled-out site keeping its own is the same small error.
 */
export class ViewCounter {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: ViewCounterOptions) {
    this.ttlMs = options.ttlMs ?? 6 * 3_600_000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** True the first time `browser` views `imageId` within the window; the caller then counts the view. */
  firstView(browser: string, imageId: number): boolean {
    const now = this.options.clock.now().getTime();
    // Hashed so the map never holds the browser's token itself.
    const key = `${createHash('sha256').update(browser).digest('base64url').slice(0, 22)}:${imageId}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    // Map order is insertion order, and every entry has the same lifetime, so the first ones expire first.
    for (const [oldest, expiry] of this.seen) {
      if (this.seen.size <= this.maxEntries && expiry > now) break;
      this.seen.delete(oldest);
    }
    return true;
  }
}
