/**
 * The bench in smoke mode (`npm run bench -- --smoke`): a few requests per case, so the scripts keep
 * working. It asserts nothing about speed: timings live in bench/results, never in pass/fail tests.
 * Needs a fresh `npm run build` (npm test does it). nginx and wrk are installed by .ci/run; where they
 * are missing the bench skips delivery (and pages) and says so.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(ROOT, 'bench', 'tmp', 'results-smoke-test');

function run(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), '--smoke', `--out=${OUT}`], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SMOKE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('bench (smoke mode)', () => {
  it('runs every section and writes its table as JSON and Markdown', { timeout: 300_000 }, async () => {
    const { code, output } = await run();
    expect(code, output).toBe(0);
    const results = JSON.parse(await readFile(path.join(OUT, 'latest.json'), 'utf8')) as {
      mode: string;
      ingest: Array<{ file: string; concurrency: number; pinhole: { rps: number; failures: number }; reference: { rps: number } }>;
      delivery: { rows: Array<{ what: string; workers: number; ratio: number }>; configChecks: string[] } | null;
      memory: { peakRss: number; rssEarly: number; rssLate: number; failures: number } | null;
      metadata: { rows: Array<{ database: string; page: string; workers: number; p50: number }> } | null;
      notes: string[];
    };
    expect(results.mode).toBe('smoke');
    expect(results.ingest?.map((r) => `${r.file}@${r.concurrency}`)).toEqual(
      ['photo-2mp.jpg', 'photo-12mp.jpg', 'screenshot.png', 'clip-3s.mp4'].flatMap((f) => [1, 4].map((c) => `${f}@${c}`)),
    );
    for (const row of results.ingest) {
      expect(row.pinhole.failures, `${row.file} c=${row.concurrency}`).toBe(0);
      expect(row.pinhole.rps).toBeGreaterThan(0);
      expect(row.reference.rps).toBeGreaterThan(0);
    }
    expect(results.memory?.failures).toBe(0);
    expect(results.memory?.peakRss).toBeGreaterThan(0);
    if (results.delivery !== null) {
      // The default (one process), then the thumbnail again from a server with workers.
      expect(results.delivery.rows.map((r) => `${r.what}@${r.workers > 1 ? 'workers' : 1}`)).toEqual(['thumbnail@1', 'original@1', 'thumbnail@workers']);
      // The example nginx configuration of BENCHMARKS.md was started and checked.
      expect(results.delivery.configChecks.length).toBeGreaterThan(10);
    } else {
      expect(results.notes.join('\n')).toMatch(/not installed/);
    }
    if (results.metadata !== null) {
      expect(results.metadata.rows.some((r) => r.database === 'sqlite' && r.page === 'viewer' && r.workers === 1)).toBe(true);
      expect(results.metadata.rows.some((r) => r.database === 'sqlite' && r.page === 'viewer' && r.workers > 1)).toBe(true);
      if (process.env.CI === 'true') expect(results.metadata.rows.some((r) => r.database === 'postgres')).toBe(true);
    }
    const markdown = await readFile(path.join(OUT, 'latest.md'), 'utf8');
    expect(markdown).toContain('| section | case | Pinhole |');
  });

  it('documents the very nginx configuration the bench starts', async () => {
    const [doc, conf] = await Promise.all([
      readFile(path.join(ROOT, 'BENCHMARKS.md'), 'utf8'),
      readFile(path.join(ROOT, 'bench', 'nginx', 'pinhole-site.conf'), 'utf8'),
    ]);
    expect(doc).toContain(conf.trim());
  });
});
