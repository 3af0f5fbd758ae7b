import type { ImageRepository } from '../ports/repositories.js';

export interface ViewRecorderDeps {
  readonly images: Pick<ImageRepository, 'addViews'>;
  readonly logger?: { warn(details: object, message: string): void };
}

/**
 * Writes counted views behind the viewer page, which does not wait for them: the views counted
 * while a write is under way are summed per image and written together by the next one, so a busy
 * site makes one transaction per round trip to the database instead of one per page view. With
 * nothing in flight a view is written at once (on the next turn of the event loop).
 * `flush()` writes what is left; the container calls it before closing the database.
 */
export class ViewRecorder {
  #pending = new Map<number, number>();
  #inFlight: Promise<void> | null = null;
  #scheduled = false;

  constructor(private readonly deps: ViewRecorderDeps) {}

  add(imageId: number): void {
    this.#pending.set(imageId, (this.#pending.get(imageId) ?? 0) + 1);
    this.#schedule();
  }

  /** Views counted but not yet written (tests, and a page that wants to show them). */
  get pending(): number {
    let n = 0;
    for (const count of this.#pending.values()) n += count;
    return n;
  }

  async flush(): Promise<void> {
    while (this.#inFlight !== null || this.#pending.size > 0) {
      if (this.#inFlight === null) this.#write();
      await this.#inFlight;
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight !== null) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#inFlight === null && this.#pending.size > 0) this.#write();
    });
  }

  #write(): void {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#inFlight = this.deps.images
      .addViews(batch)
      .catch((error: unknown) => {
        // A view counter is not worth failing anything for; the views of this batch are lost.
        this.deps.logger?.warn({ err: error, images: batch.size }, 'could not record page views');
      })
      .finally(() => {
        this.#inFlight = null;
        if (this.#pending.size > 0) this.#schedule();
      });
  }
}
