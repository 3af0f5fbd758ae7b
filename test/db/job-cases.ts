import { expect, it } from 'vitest';
import type { Database } from '../../src/ports/repositories.js';
import type { SuiteContext } from './db-fixtures.js';

const T0 = Date.UTC(2030, 0, 1);
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
/** Later than any run time or lease the job tests use. */
const END = new Date(Date.UTC(2100, 0, 1));

/** Jobs left by an earlier test would be due too; finish them so each test sees only its own. */
async function drain(db: Database): Promise<void> {
  for (;;) {
    const jobs = await db.jobs.claim(END, 'drain', END, 100);
    if (jobs.length === 0) return;
    for (const job of jobs) await db.jobs.complete(job.id);
  }
}

export function jobCases(ctx: SuiteContext): void {
  it('enqueues, leases due jobs, and re-offers them once the lease runs out', async () => {
    const db = ctx.db();
    await drain(db);
    const pendingBefore = await db.jobs.countPending();
    const late = await db.jobs.enqueue({ type: 'b', payload: '{"n":2}', runAt: at(5) });
    const early = await db.jobs.enqueue({ type: 'a', payload: '{"n":1}', runAt: at(0) });
    const future = await db.jobs.enqueue({ type: 'c', payload: '{}', runAt: at(100) });
    expect(await db.jobs.countPending()).toBe(pendingBefore + 3);

    const claimed = await db.jobs.claim(at(10), 'w1', at(40), 10);
    expect(claimed).toEqual([
      { id: early, type: 'a', payload: '{"n":1}', runAt: at(0), attempts: 1 },
      { id: late, type: 'b', payload: '{"n":2}', runAt: at(5), attempts: 1 },
    ]);
    expect(await db.jobs.claim(at(11), 'w2', at(50), 10)).toEqual([]);
    expect(await db.jobs.claim(at(40), 'w2', at(70), 10)).toEqual([]);

    const reclaimed = await db.jobs.claim(at(41), 'w2', at(70), 1);
    expect(reclaimed.map((job) => [job.id, job.attempts])).toEqual([[early, 2]]);
    for (const id of [early, late, future]) await db.jobs.complete(id);
    expect(await db.jobs.countPending()).toBe(pendingBefore);
  });

  it('retries a failed job at the given time, and gives up without one', async () => {
    const db = ctx.db();
    await drain(db);
    const retried = await db.jobs.enqueue({ type: 'r', payload: '{}', runAt: at(0) });
    const dead = await db.jobs.enqueue({ type: 'd', payload: '{}', runAt: at(0) });
    expect(await db.jobs.claim(at(1), 'w', at(30), 10)).toHaveLength(2);
    const pending = await db.jobs.countPending();

    await db.jobs.fail(retried, 'transient', at(60));
    await db.jobs.fail(dead, 'fatal', null);
    expect(await db.jobs.countPending()).toBe(pending - 1);
    // The retry is not leased any more, but not due before its new run time.
    expect(await db.jobs.claim(at(59), 'w', at(90), 10)).toEqual([]);
    const again = await db.jobs.claim(at(60), 'w', at(90), 10);
    expect(again.map((job) => [job.id, job.runAt, job.attempts])).toEqual([[retried, at(60), 2]]);
    await db.jobs.complete(retried);
    expect(await db.jobs.claim(END, 'w', END, 10)).toEqual([]);
  });

  it('never hands the same job to two concurrent claimers', async () => {
    const db = ctx.db();
    await drain(db);
    const other = await ctx.openAnother();
    try {
      const ids = new Set<number>();
      for (let i = 0; i < 60; i++) ids.add(await db.jobs.enqueue({ type: 'x', payload: String(i), runAt: at(i % 7) }));
      const claimers = [db, other, db, other, db, other].map(async (instance, n) => {
        const mine: number[] = [];
        for (;;) {
          const jobs = await instance.jobs.claim(at(10), `w${n}`, at(600), 3);
          if (jobs.length === 0) return mine;
          mine.push(...jobs.map((job) => job.id));
        }
      });
      const claimed = (await Promise.all(claimers)).flat();
      expect(claimed).toHaveLength(ids.size);
      expect(new Set(claimed)).toEqual(ids);
      for (const id of ids) await db.jobs.complete(id);
    } finally {
      await other.close();
    }
  });
}
