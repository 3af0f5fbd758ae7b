/**
 * Issue 4, item 2: thousands of mutations of valid files of every accepted format, sent through the
 * API under a fixed seed and a time budget. Same rules as the hostile files: 2xx or a clear 4xx,
 * never a 5xx or a hang, nothing left behind by a refused upload, the server healthy throughout.
 * A failing case is saved under test/hostile/regressions/ and replayed by regressions.test.ts.
 *
 *   PINHOLE_FUZZ_SECONDS (default 60)   PINHOLE_FUZZ_SEED (default 0x5eed)   PINHOLE_FUZZ_CONCURRENCY (default 6)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostilePath, seedFixtureNames } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import { envNumber, recordFigures } from './helpers/figures.js';
import { makeCase, runFuzz, type FuzzTarget, type Seed } from './helpers/fuzz-runner.js';
import { healthy, observe, startHostileServer, uploadBytes } from './helpers/servers.js';

const BUDGET_SECONDS = envNumber('PINHOLE_FUZZ_SECONDS', 60);
const SEED = envNumber('PINHOLE_FUZZ_SEED', 0x5eed);
const CONCURRENCY = envNumber('PINHOLE_FUZZ_CONCURRENCY', 6);
/** A single case past this is a hang: the media pipeline's own per-step limit is 60 s. */
const HANG_MS = 45_000;

let server: TestServer;
let seeds: Seed[];

beforeAll(async () => {
  await generateHostileFixtures();
  seeds = await Promise.all(seedFixtureNames.map(async (name) => ({ name, bytes: await readFile(hostilePath(name)) })));
  server = await startHostileServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('fuzzing the upload API', () => {
  it(`survives ${BUDGET_SECONDS} s of mutated files of every format (seed ${SEED})`, { timeout: BUDGET_SECONDS * 1000 + 240_000 }, async () => {
    const target: FuzzTarget = {
      ...observe(server),
      upload: (c) => uploadBytes(server, c.bytes, `fuzz-${c.index}-${c.seedName}`),
      isHealthy: () => healthy(server.url),
    };
    const report = await runFuzz(target, seeds, { seed: SEED, budgetMs: BUDGET_SECONDS * 1000, concurrency: CONCURRENCY, hangMs: HANG_MS });
    await recordFigures('fuzz', {
      seed: `0x${SEED.toString(16)}`,
      budgetSeconds: BUDGET_SECONDS,
      cases: report.cases,
      accepted: report.accepted,
      byStatus: report.byStatus,
      bySeed: report.bySeed,
      slowestMs: report.slowestMs,
      elapsedMs: report.elapsedMs,
      failures: report.failures.length,
    });
    const described = report.failures.map((f) => `case ${f.fuzzCase.index} (${f.fuzzCase.seedName}, ${f.fuzzCase.ops}) saved as ${f.savedAs ?? '(too big to keep)'}: ${f.problems.join('; ')}`);
    expect(described).toEqual([]);
    // Every seed format was fuzzed, and enough cases ran to mean something.
    expect(Object.keys(report.bySeed).sort()).toEqual([...seedFixtureNames].sort());
    expect(report.cases).toBeGreaterThanOrEqual(Math.min(500, BUDGET_SECONDS * 5));
  });

  it('is reproducible, and saves a failing case where the regression test replays it', async () => {
    // Case i under a seed is always the same bytes.
    expect(makeCase(SEED, 1234, seeds).bytes.equals(makeCase(SEED, 1234, seeds).bytes)).toBe(true);
    expect(makeCase(SEED, 1234, seeds).bytes.equals(makeCase(SEED + 1, 1234, seeds).bytes)).toBe(false);
    // A stand-in server that fails case 5 with a 500: the runner must report it and keep its bytes.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-fuzz-save-'));
    try {
      const refused = { status: 415, headers: new Headers(), text: '', json: { status_code: 415, error: { message: 'no', code: 613 }, status_txt: 'Unsupported Media Type' } };
      const broken = { status: 500, headers: new Headers(), text: 'boom', json: null };
      const target: FuzzTarget = {
        dataDir: dir,
        countRows: async () => 0,
        upload: async (c) => (c.index === 5 ? broken : refused),
        isHealthy: async () => true,
      };
      const report = await runFuzz(target, seeds, { seed: SEED, budgetMs: 60_000, concurrency: 4, hangMs: HANG_MS, maxCases: 8, saveDir: dir });
      expect(report.cases).toBe(8);
      expect(report.failures.map((f) => f.fuzzCase.index)).toEqual([5]);
      const saved = report.failures[0]?.savedAs ?? '';
      expect(path.basename(saved)).toMatch(new RegExp(`^seed[a-z-]*-s${SEED.toString(16)}-c5\\.[a-z0-9]+$`));
      expect((await readFile(saved)).equals(makeCase(SEED, 5, seeds).bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
