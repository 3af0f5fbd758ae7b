/**
 * Replays every case the fuzzer ever saved (test/hostile/regressions/): each must now meet the same
 * rules as any hostile upload.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/app.js';
import { MAX_REGRESSION_BYTES, REGRESSIONS_DIR } from './helpers/fuzz-runner.js';
import { outcomeProblems, settledFootprint } from './helpers/outcome.js';
import { healthy, observe, startHostileServer, uploadBytes } from './helpers/servers.js';

let server: TestServer;
let files: string[];

beforeAll(async () => {
  files = (await readdir(REGRESSIONS_DIR)).filter((name) => name !== 'README.md').sort();
  server = await startHostileServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('fuzz regressions', () => {
  it('every saved case is handled by the rules', { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    for (const name of files) {
      const bytes = await readFile(path.join(REGRESSIONS_DIR, name));
      expect(bytes.length, `${name} must stay under 64 KB`).toBeLessThan(MAX_REGRESSION_BYTES);
      const before = await settledFootprint(observe(server));
      const problems = await outcomeProblems(observe(server), await uploadBytes(server, bytes, name), before);
      if (problems.length > 0) failures.push(`${name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(await healthy(server.url)).toBe(true);
  });
});
