/**
 * Issue 4, item 6: the built server is killed with SIGKILL in the middle of many concurrent uploads,
 * then restarted on the same data. Every upload that had been answered with success is intact (its
 * md5 matches, all its URLs serve), and after the start-up reconciliation no stored file lacks a row,
 * no row lacks its files, and no temp file remains. Three rounds, each killed at a different moment.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import { auditStore, ChildServer, freePort, freshDir, killAllChildren, removeDir } from './helpers/child-server.js';
import { recordFigures } from './helpers/figures.js';
import { filesOf } from './helpers/outcome.js';
import { postMultipart } from './helpers/raw-http.js';

const WORKERS = 16;
const FILES = ['seed.jpg', 'seed.png', 'seed.gif', 'seed.webp', 'seed-animated.webp', 'seed-apng.png', 'seed.bmp', 'seed.mp4'];

interface Stored {
  readonly md5: string;
  readonly url: string;
  readonly urls: string[];
}

let dataDir: string;
let files: Array<{ name: string; bytes: Buffer }>;

beforeAll(async () => {
  await generateHostileFixtures();
  files = await Promise.all(FILES.map(async (name) => ({ name, bytes: await readFile(hostilePath(name)) })));
  dataDir = await freshDir('pinhole-crash-');
});
afterAll(async () => {
  await killAllChildren();
  await removeDir(dataDir);
});

/**
 * Uploads from WORKERS concurrent clients until `successes` reach `killAt`, then SIGKILLs the server
 * with the others still in flight. Returns what was answered with success, and the figures.
 */
async function uploadUntilKilled(server: ChildServer, key: string, killAt: number): Promise<{ stored: Stored[]; cutOff: number; refused: string[] }> {
  const stored: Stored[] = [];
  const refused: string[] = [];
  let cutOff = 0;
  let killed: Promise<unknown> | null = null;
  let n = 0;
  const worker = async () => {
    while (killed === null) {
      const file = files[n++ % files.length] as { name: string; bytes: Buffer };
      try {
        const a = await postMultipart(server.url, [{ name: 'source', filename: file.name, body: file.bytes }], { 'x-api-key': key });
        if (a.status !== 200) {
          refused.push(`${file.name}: ${a.status} ${a.text.slice(0, 200)}`);
          continue;
        }
        const image = a.json?.image as Record<string, unknown>;
        stored.push({ md5: String(image.md5), url: String(image.url), urls: filesOf(image).map((f) => f.url) });
        if (stored.length >= killAt && killed === null) killed = server.kill();
      } catch {
        // The connection died with the server: this upload was never answered.
        cutOff += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  await killed;
  return { stored, cutOff, refused };
}

async function verifyIntact(stored: readonly Stored[]): Promise<string[]> {
  const problems: string[] = [];
  for (const s of stored) {
    const main = await fetch(s.url);
    const md5 = createHash('md5').update(Buffer.from(await main.arrayBuffer())).digest('hex');
    if (main.status !== 200 || md5 !== s.md5) problems.push(`${s.url}: ${main.status}, md5 ${md5} instead of ${s.md5}`);
    for (const url of s.urls) {
      const res = await fetch(url, { method: 'HEAD' });
      if (res.status !== 200) problems.push(`${url}: ${res.status}`);
    }
  }
  return problems;
}

describe('SIGKILL in the middle of concurrent uploads', () => {
  it('loses no answered upload and leaves the store consistent after restart', { timeout: 180_000 }, async () => {
    const port = await freePort();
    let server = await ChildServer.start({ dataDir, port });
    const key = server.firstStartKey();
    const answered: Stored[] = [];
    const rounds: Array<Record<string, unknown>> = [];

    for (const killAt of [8, 20, 35]) {
      const { stored, cutOff, refused } = await uploadUntilKilled(server, key, killAt);
      expect(refused, 'no upload may be refused before the kill').toEqual([]);
      const exit = await server.exited;
      expect(exit.signal).toBe('SIGKILL');
      answered.push(...stored);

      server = await ChildServer.start({ dataDir, port });
      expect(await verifyIntact(answered)).toEqual([]);
      const audit = await auditStore(dataDir);
      expect(audit.orphanFiles, 'stored files without a row').toEqual([]);
      expect(audit.missingFiles, 'rows without their files').toEqual([]);
      expect(audit.tempFiles, 'temp files left').toEqual([]);
      expect(audit.deletingRows).toBe(0);
      expect(audit.rows).toBeGreaterThanOrEqual(answered.length);
      const reconciled = server.lines.find((l) => l.includes('removed stored files that had no row'));
      rounds.push({ killAt, answered: stored.length, cutOff, rowsAfterRestart: audit.rows, orphansRemovedAtStart: reconciled ? JSON.parse(reconciled).orphans : 0 });
    }

    // And it still works.
    const after = await postMultipart(server.url, [{ name: 'source', filename: 'after.jpg', body: (files[0] as { bytes: Buffer }).bytes }], { 'x-api-key': key });
    expect(after.status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    await recordFigures('crash', { rounds, answeredTotal: answered.length, workers: WORKERS });
  });
});
