import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiAnswer } from '../../helpers/upload.js';
import { caseRng, mutate } from './mutate.js';
import { filesOf, isEnvelope, MEDIA_TYPES, outcomeProblems, settledFootprint, type Observed } from './outcome.js';

export const REGRESSIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'regressions');
/** Where new failing cases go; exploratory runs point it elsewhere to keep the tree clean. */
const SAVE_DIR = process.env.PINHOLE_FUZZ_SAVE_DIR ?? REGRESSIONS_DIR;
/** Regression fixtures are committed; past this size a case is reported but not saved. */
export const MAX_REGRESSION_BYTES = 64 * 1024;

export interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface FuzzCase {
  readonly index: number;
  readonly seedName: string;
  readonly ops: string;
  readonly bytes: Buffer;
}

/** Case `index` under `seed`: seeds in turn, so every format gets its share whatever the budget. */
export function makeCase(seed: number, index: number, seeds: readonly Seed[]): FuzzCase {
  const base = seeds[index % seeds.length];
  if (!base) throw new Error('no seeds');
  const m = mutate(base.bytes, caseRng(seed, index));
  return { index, seedName: base.name, ops: m.ops, bytes: m.bytes };
}

export interface FuzzTarget extends Observed {
  upload(c: FuzzCase): Promise<ApiAnswer>;
  isHealthy(): Promise<boolean>;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly budgetMs: number;
  /** Cases sent at once; the footprint is checked between batches, when nothing is in flight. */
  readonly concurrency: number;
  /** A case slower than this counts as a hang. */
  readonly hangMs: number;
  readonly maxCases?: number;
  /** Where failing cases are written (default: test/hostile/regressions, or PINHOLE_FUZZ_SAVE_DIR). */
  readonly saveDir?: string;
}

export interface FuzzFailure {
  readonly fuzzCase: FuzzCase;
  readonly problems: string[];
  readonly savedAs: string | null;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly accepted: number;
  readonly byStatus: Record<string, number>;
  readonly bySeed: Record<string, number>;
  readonly slowestMs: number;
  readonly elapsedMs: number;
  readonly failures: FuzzFailure[];
}

/** What can be told from one answer alone, while other cases run. */
async function answerProblems(a: ApiAnswer): Promise<string[]> {
  if (a.status >= 500) return [`status ${a.status}: ${a.text.slice(0, 300)}`];
  if (a.status >= 400) return isEnvelope(a) ? [] : [`${a.status} without the envelope: ${a.text.slice(0, 200)}`];
  if (a.status !== 200) return [`unexpected status ${a.status}`];
  const image = a.json?.image as Record<string, unknown> | undefined;
  if (!image || typeof image.url !== 'string') return ['2xx without an image'];
  const res = await fetch(image.url);
  await res.arrayBuffer();
  const type = res.headers.get('content-type') ?? '';
  return res.status === 200 && MEDIA_TYPES.has(type) ? [] : [`${image.url} answered ${res.status} as ${type}`];
}

export async function saveRegression(seed: number, c: FuzzCase, dir = SAVE_DIR): Promise<string | null> {
  if (c.bytes.length >= MAX_REGRESSION_BYTES) return null;
  await mkdir(dir, { recursive: true });
  const ext = path.extname(c.seedName);
  const file = path.join(dir, `${path.basename(c.seedName, ext)}-s${seed.toString(16)}-c${c.index}${ext}`);
  await writeFile(file, c.bytes);
  return file;
}

/**
 * Runs cases until the budget is spent. A batch whose footprint does not add up (a refused case left
 * something, or an accepted one stored too little) is replayed case by case to find the culprit.
 */
export async function runFuzz(target: FuzzTarget, seeds: readonly Seed[], options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const byStatus: Record<string, number> = {};
  const bySeed: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let index = 0;
  let accepted = 0;
  let slowestMs = 0;
  const fail = async (fuzzCase: FuzzCase, problems: string[]) => {
    failures.push({ fuzzCase, problems, savedAs: await saveRegression(options.seed, fuzzCase, options.saveDir) });
  };

  while (Date.now() - started < options.budgetMs && index < (options.maxCases ?? Infinity) && failures.length < 20) {
    const batch = Array.from({ length: options.concurrency }, () => makeCase(options.seed, index++, seeds));
    const before = await settledFootprint(target);
    const results = await Promise.all(
      batch.map(async (c) => {
        const t0 = Date.now();
        const answer = await target.upload(c);
        const tookMs = Date.now() - t0;
        return { c, answer, tookMs, problems: await answerProblems(answer) };
      }),
    );
    let addedFiles = 0;
    let addedRows = 0;
    for (const { c, answer, tookMs, problems } of results) {
      byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
      bySeed[c.seedName] = (bySeed[c.seedName] ?? 0) + 1;
      slowestMs = Math.max(slowestMs, tookMs);
      if (tookMs > options.hangMs) problems.push(`took ${tookMs} ms`);
      if (answer.status === 200) {
        accepted += 1;
        addedRows += 1;
        addedFiles += filesOf((answer.json?.image ?? {}) as Record<string, unknown>).length;
      }
      if (problems.length > 0) await fail(c, problems);
    }
    const after = await settledFootprint(target);
    if (after.temps !== 0 || after.files !== before.files + addedFiles || after.rows !== before.rows + addedRows) {
      // Someone in this batch left something behind (or stored too little): find who, one by one.
      let found = false;
      for (const { c } of results) {
        const b = await settledFootprint(target);
        const problems = await outcomeProblems(target, await target.upload(c), b);
        if (problems.length > 0) {
          found = true;
          await fail(c, problems);
        }
      }
      if (!found) failures.push({ fuzzCase: batch[0] as FuzzCase, problems: [`batch ${batch[0]?.index}…: footprint ${JSON.stringify(before)} -> ${JSON.stringify(after)}, expected +${addedFiles} files +${addedRows} rows, not reproduced serially`], savedAs: null });
    }
    if (!(await target.isHealthy())) {
      await fail(batch[0] as FuzzCase, ['server unhealthy after this batch']);
      break;
    }
  }
  return { seed: options.seed, cases: index, accepted, byStatus, bySeed, slowestMs, elapsedMs: Date.now() - started, failures };
}
