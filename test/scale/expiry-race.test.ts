/**
 * Several instances sweeping expired uploads at the same time over one PostgreSQL schema: each
 * expired upload is queued once and deleted once, counted from the deletions log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { deleteJobHandler } from '../../src/jobs/delete-image.job.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import type { Database } from '../../src/ports/repositories.js';
import { DELETE_JOB, DeletionService } from '../../src/services/deletion.service.js';
import { LocalDiskStore } from '../../src/storage/local-disk.store.js';
import { file, newImage } from '../db/db-fixtures.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';

const schema = await createTestSchema();
const INSTANCES = 3;

describe.skipIf(schema === null)('expiry sweep with several instances on PostgreSQL', () => {
  const dbs: Database[] = [];
  let dataDir: string;

  beforeAll(async () => {
    const s = schema as TestSchema;
    for (let i = 0; i < INSTANCES; i++) dbs.push(await openDatabase({ kind: 'postgres', url: s.url, schema: s.schema }));
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-expiry-'));
  });

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('queues each expired upload once and logs each deletion once', async () => {
    const [first] = dbs;
    const past = new Date(Date.now() - 60_000);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const image = newImage({ expiresAt: past });
      ids.push(await first!.transaction((repos) => repos.images.insert({ ...image, files: [file('image', `2024/10/10/${image.name}.jpeg`)] }, 'hash')));
    }
    const store = new LocalDiskStore({ root: path.join(dataDir, 'images'), tmpDir: path.join(dataDir, 'tmp') });
    const clock = { now: () => new Date() };
    const services = dbs.map((db, i) => new DeletionService({ db, store, clock, pepper: 'pepper', instanceId: `instance-${i}` }));

    // Every instance sweeps at once, in small batches so that they overlap many times.
    const queued = await Promise.all(services.map(async (s) => {
      let n = 0;
      for (let round = 0; round < 10; round++) n += await s.queueExpired(5);
      return n;
    }));
    expect(queued.reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(await first!.jobs.countPending()).toBe(ids.length);

    // Then every instance runs its job runner and the resume sweep, all at once.
    const runners = services.map(
      (s, i) =>
        new JobRunner({
          jobs: dbs[i]!.jobs,
          clock,
          logger: pino({ level: 'silent' }),
          handlers: { [DELETE_JOB]: deleteJobHandler(s) },
          periodic: [() => s.resumeInterrupted(7)],
          intervalMs: 3_600_000,
        }),
    );
    await Promise.all(runners.map((r) => r.runOnce()));
    await Promise.all(runners.map((r) => r.runOnce()));

    expect(await first!.images.count()).toBe(0);
    expect(await first!.jobs.countPending()).toBe(0);
    const log = await first!.deletions.listSince(new Date(0), 1000);
    const counts = new Map<number, number>();
    for (const entry of log) counts.set(entry.imageId, (counts.get(entry.imageId) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(log.map((e) => e.reason))).toEqual(new Set(['expired']));
  });
});
