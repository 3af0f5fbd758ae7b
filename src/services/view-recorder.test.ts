import { describe, expect, it } from 'vitest';
import { ViewRecorder } from './view-recorder.js';

function fakeImages(options: { delayMs?: number; fail?: boolean } = {}) {
  const writes: Array<Map<number, number>> = [];
  return {
    writes,
    images: {
      async addViews(counts: ReadonlyMap<number, number>) {
        writes.push(new Map(counts));
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        if (options.fail) throw new Error('database down');
      },
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ViewRecorder', () => {
  it('writes a view on the next turn of the event loop when nothing is in flight', async () => {
    const fake = fakeImages();
    const views = new ViewRecorder({ images: fake.images });
    views.add(7);
    expect(fake.writes).toEqual([]);
    await tick();
    expect(fake.writes).toEqual([new Map([[7, 1]])]);
  });

  it('sums the views counted during a write into the next one', async () => {
    const fake = fakeImages({ delayMs: 20 });
    const views = new ViewRecorder({ images: fake.images });
    views.add(1);
    await tick();
    for (const id of [1, 2, 2, 3, 2]) views.add(id);
    expect(views.pending).toBe(5);
    await views.flush();
    expect(fake.writes).toEqual([new Map([[1, 1]]), new Map([[1, 1], [2, 3], [3, 1]])]);
    expect(views.pending).toBe(0);
  });

  it('logs and drops a batch the database refused', async () => {
    const fake = fakeImages({ fail: true });
    const warnings: string[] = [];
    const views = new ViewRecorder({ images: fake.images, logger: { warn: (_d, message) => warnings.push(message) } });
    views.add(1);
    await views.flush();
    expect(warnings).toEqual(['could not record page views']);
    views.add(2);
    await views.flush();
    expect(fake.writes.length).toBe(2);
  });
});
