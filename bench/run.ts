/**
 * `npm run bench` — Pinhole beside the physical limit, every figure measured in the same run:
 * ingest against sharp/ffmpeg alone, delivery against nginx, memory, and metadata at scale.
 *
 *   npm run bench                      full run (~12 minutes on 2 cores), results in bench/results/
 *   npm run bench -- --smoke           a few requests per case (CI), results in bench/tmp/results/
 *   npm run bench -- --only=ingest,delivery,memory,metadata
 *   BENCH_SMOKE=1 npm run bench        same as --smoke
 *   BENCH_POSTGRES_URL=postgres://…    PostgreSQL for the metadata section (default: the test database)
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchDelivery, type DeliveryResult } from './delivery.js';
import { benchIngest, type IngestRow } from './ingest.js';
import { benchMemory, measurePeak, type MemoryResult } from './memory.js';
import { benchMetadata, postgresReachable, type MetadataResult } from './metadata.js';
import { benchMedia } from './lib/fixtures.js';
import { ensureNginx } from './lib/nginx.js';
import { renderMarkdown, renderTable } from './lib/report.js';
import { NPM_START_ALLOCATOR_ENV, ROOT, settle, startPinhole } from './lib/server.js';
import { ensureWrk } from './lib/wrk.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || ['1', 'true', 'yes'].includes((process.env.BENCH_SMOKE ?? '').toLowerCase());
const only = new Set((args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? 'ingest,delivery,memory,metadata').split(','));
const outDir = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? path.join(ROOT, 'bench', smoke ? 'tmp/results' : 'results');
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.PINHOLE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Sizes of every section: the full run, and the smoke run that only proves the scripts work. */
/** The extra, informative rows (no target) for a server with PINHOLE_WORKERS: one per core, at least 2. */
const WORKERS = Math.max(2, os.availableParallelism());
const plan = smoke
  ? { rounds: 1, targetRounds: 1, warmup: false, ingestConcurrency: [1, 4], ingestScale: (c: number) => c, deliverySeconds: 1, concurrentUploads: 8, peakRounds: 1, early: 10, late: 30, images: 2000, albums: 20, metaSeconds: 1 }
  : { rounds: 3, targetRounds: 5, warmup: true, ingestConcurrency: [1, 4, 16], ingestScale: (c: number, perRound: number) => (c === 1 ? perRound : perRound * 2), deliverySeconds: 5, concurrentUploads: 32, peakRounds: 3, early: 500, late: 5000, images: 1_000_000, albums: 1000, metaSeconds: 5 };

export interface BenchResults {
  readonly mode: 'full' | 'smoke';
  readonly startedAt: string;
  readonly seconds: number;
  readonly command: string;
  readonly machine: { cpus: string; cores: number; memoryGiB: number; node: string; os: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  readonly media: Record<string, { file: string; bytes: number; description: string }>;
  readonly ingest: IngestRow[] | null;
  readonly delivery: DeliveryResult | null;
  readonly memory: MemoryResult | null;
  readonly metadata: MetadataResult | null;
  readonly notes: string[];
}

async function main(): Promise<void> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  if (!existsSync(path.join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first (npm run bench does)');
  // bench/tmp is git-ignored, so a fresh clone does not have it yet.
  await mkdir(path.join(ROOT, 'bench', 'tmp'), { recursive: true });
  const work = await mkdtemp(path.join(ROOT, 'bench', 'tmp', 'run-'));
  const notes: string[] = [];
  const media = await benchMedia(path.join(ROOT, 'bench', 'tmp', 'media'));
  log(`Pinhole bench (${smoke ? 'smoke' : 'full'}): ${os.cpus().length} cores, load average ${loadAverageStart.join(' ')}`);

  let ingest: IngestRow[] | null = null;
  let delivery: DeliveryResult | null = null;
  let memory: MemoryResult | null = null;
  let metadata: MetadataResult | null = null;
  const needsWrk = only.has('delivery') || only.has('metadata');
  const wrkBinary = needsWrk ? ensureWrk(log) : null;
  if (needsWrk && wrkBinary === null) notes.push('wrk is not installed (apt-get install wrk): delivery and metadata not measured');

  // Each section starts on a machine that has written back what the previous one wrote.
  const settleBefore = async (section: string) => {
    const { dirtyBytes, ms } = await settle();
    if (!smoke) log(`${section}: settled (${Math.round(dirtyBytes / 2 ** 20)} MiB written back, ${ms} ms)`);
  };
  try {
    if (only.has('ingest') || only.has('delivery')) {
      await settleBefore('ingest');
      const server = await startPinhole({ dataDir: path.join(work, 'ingest') });
      try {
        if (only.has('ingest')) {
          ingest = await benchIngest(
            server,
            [
              // The case with a target gets more rounds: its median should not hang on one noisy minute.
              { media: media.jpeg2mp, kind: 'jpeg', perRound: 30, rounds: plan.targetRounds },
              { media: media.jpeg12mp, kind: 'jpeg', perRound: 8 },
              { media: media.png, kind: 'png', perRound: 16 },
              { media: media.mp4, kind: 'mp4', perRound: 16 },
            ],
            { concurrencies: plan.ingestConcurrency, rounds: plan.rounds, warmup: plan.warmup, scale: plan.ingestScale, workDir: path.join(work, 'reference'), log },
          );
        }
        if (only.has('delivery') && wrkBinary !== null) {
          const nginxBinary = ensureNginx(log);
          if (nginxBinary === null) notes.push('nginx is not installed (apt-get install nginx-light): delivery not measured');
          else {
            delivery = await benchDelivery(server, { photo: media.jpeg2mp, tiny: media.tiny }, {
              nginxBinary,
              wrkBinary,
              seconds: plan.deliverySeconds,
              rounds: plan.rounds,
              warmup: plan.warmup,
              connections: 32,
              workers: WORKERS,
              workDir: path.join(work, 'nginx'),
              log,
            });
          }
        }
      } finally {
        await server.stop();
      }
    }

    if (only.has('memory')) {
      await settleBefore('memory');
      const server = await startPinhole({ dataDir: path.join(work, 'memory') });
      let measured: Omit<MemoryResult, 'peakRssGlibcDefault'>;
      try {
        measured = await benchMemory(server, { big: media.big5mb, tiny: media.tiny }, { concurrent: plan.concurrentUploads, peakRounds: plan.peakRounds, early: plan.early, late: plan.late, allocatorEnv: NPM_START_ALLOCATOR_ENV, log });
      } finally {
        await server.stop();
      }
      // The same peak for plain `node dist/main.js`, which leaves glibc's allocator at its defaults.
      const plain = await startPinhole({ dataDir: path.join(work, 'memory-glibc-default'), allocator: 'glibc-default' });
      try {
        const { peakRss } = await measurePeak(plain, media.big5mb, { concurrent: plan.concurrentUploads, peakRounds: plan.peakRounds, label: 'plain node dist/main.js', log });
        memory = { ...measured, peakRssGlibcDefault: peakRss };
      } finally {
        await plain.stop();
      }
    }

    if (only.has('metadata') && wrkBinary !== null) {
      await settleBefore('metadata');
      const reachable = await postgresReachable(postgresUrl);
      if (!reachable) {
        if (process.env.CI === 'true' && !smoke) throw new Error(`PostgreSQL is not reachable at ${postgresUrl}`);
        notes.push(`PostgreSQL not reachable at ${postgresUrl}: metadata measured on SQLite only`);
      }
      metadata = await benchMetadata({
        images: plan.images,
        albums: plan.albums,
        wrkBinary,
        seconds: plan.metaSeconds,
        workers: WORKERS,
        rounds: plan.rounds,
        warmup: plan.warmup,
        connections: 4,
        workDir: path.join(work, 'metadata'),
        postgresUrl: reachable ? postgresUrl : null,
        log,
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const results: BenchResults = {
    mode: smoke ? 'smoke' : 'full',
    startedAt,
    seconds: Math.round((performance.now() - started) / 1000),
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}${process.env.BENCH_SMOKE ? ` (BENCH_SMOKE=${process.env.BENCH_SMOKE})` : ''}`,
    machine: {
      cpus: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      loadAverageStart,
      loadAverageEnd: os.loadavg().map((n) => Math.round(n * 100) / 100),
    },
    media: Object.fromEntries(Object.values(media).map((m) => [m.name, { file: m.filename, bytes: m.bytes, description: m.description }])),
    ingest,
    delivery,
    memory,
    metadata,
    notes: [...notes, ...(metadata?.notes ?? [])],
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(outDir, 'latest.md'), renderMarkdown(results));
  log('');
  log(renderTable(results));
  log(`\nwritten to ${path.relative(ROOT, outDir)}/latest.json and latest.md (${results.seconds} s)`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
