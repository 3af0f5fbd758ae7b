import type { BenchResults } from '../run.js';

const MB = 1e6;
const MIB = 1024 * 1024;

type Row = [section: string, item: string, pinhole: string, reference: string, ratio: string, target: string, met: string];

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const ms = (n: number) => (n < 10 ? f2(n) : n < 100 ? f1(n) : f0(n));
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');

function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  for (const row of r.ingest ?? []) {
    const target = row.file === 'photo-2mp.jpg' && row.concurrency === 4;
    out.push([
      'ingest',
      `${row.file}, c=${row.concurrency}, ${row.rounds} ${row.rounds === 1 ? 'round' : 'rounds'}`,
      `${f1(row.pinhole.rps)}/s, p50 ${ms(row.pinhole.p50)} ms, p99 ${ms(row.pinhole.p99)} ms, CPU ${f0(row.pinhole.cpuPerJob)} ms/upload${row.pinhole.failures ? `, ${row.pinhole.failures} failed` : ''}`,
      `${f1(row.reference.rps)}/s, p50 ${ms(row.reference.p50)} ms, p99 ${ms(row.reference.p99)} ms, CPU ${f0(row.reference.cpuPerJob)} ms/job`,
      `${f2(row.ratio)}${row.roundRatios.length > 1 ? ` (rounds ${f2(Math.min(...row.roundRatios))}–${f2(Math.max(...row.roundRatios))})` : ''}`,
      target ? '≥ 0.75' : '',
      target ? yes(row.ratio >= 0.75) : '',
    ]);
  }
  for (const row of r.delivery?.rows ?? []) {
    const thumb = row.what === 'thumbnail';
    // Rows with workers are informative: the targets are for the default (one process).
    const targeted = row.workers === 1;
    out.push([
      'delivery',
      `${row.what} (${row.bytes.toLocaleString('en')} B), 32 conn.${targeted ? '' : `, PINHOLE_WORKERS=${row.workers}`}`,
      `${f0(row.pinhole.rps)} req/s, p99 ${ms(row.pinhole.p99)} ms, ${f0(row.pinhole.mbps)} MB/s, CPU ${f0(row.pinhole.cpuUsPerRequest)} µs/req`,
      `nginx ${f0(row.nginx.rps)} req/s, p99 ${ms(row.nginx.p99)} ms, ${f0(row.nginx.mbps)} MB/s, CPU ${f0(row.nginx.cpuUsPerRequest)} µs/req`,
      f2(row.ratio),
      targeted ? (thumb ? '≥ 0.5 (req/s)' : '≥ 0.4 (MB/s)') : '',
      targeted ? yes(row.ratio >= (thumb ? 0.5 : 0.4)) : '',
    ]);
  }
  const m = r.memory;
  if (m) {
    const env = Object.entries(m.allocatorEnv ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
    out.push([
      'memory',
      `peak RSS, ${m.concurrentUploads} concurrent ${f1(m.uploadBytes / MB)} MB uploads, as \`npm start\` runs it${env ? ` (${env})` : ''}`,
      `${f0(m.peakRss / MIB)} MiB (${f0(m.peakRss / MB)} MB)`,
      '',
      '',
      '≤ 350 MB',
      yes(m.peakRss <= 350 * MB),
    ]);
    if (m.peakRssGlibcDefault !== null && m.peakRssGlibcDefault !== undefined) {
      out.push([
        'memory',
        `peak RSS, same uploads, plain \`node dist/main.js\` with glibc's defaults (informative: what the allocator settings save)`,
        `${f0(m.peakRssGlibcDefault / MIB)} MiB (${f0(m.peakRssGlibcDefault / MB)} MB)`,
        '',
        '',
        '',
        '',
      ]);
    }
    out.push([
      'memory',
      `RSS after ${m.late.toLocaleString('en')} uploads vs after ${m.early.toLocaleString('en')}`,
      `${f0(m.rssEarly / MIB)} → ${f0(m.rssLate / MIB)} MiB (${m.growth >= 0 ? '+' : ''}${f1(m.growth * 100)} %)`,
      '',
      '',
      '≤ +20 %',
      yes(m.growth <= 0.2),
    ]);
  }
  for (const row of r.metadata?.rows ?? []) {
    const targeted = row.workers === 1;
    out.push([
      'metadata',
      `${row.database}, ${row.page}, ${(r.metadata?.images ?? 0).toLocaleString('en')} rows${targeted ? '' : `, PINHOLE_WORKERS=${row.workers}`}`,
      `p50 ${ms(row.p50)} ms, p99 ${ms(row.p99)} ms, ${f0(row.rps)} req/s (${r.metadata?.connections ?? 0} conn.)`,
      '',
      '',
      targeted ? 'p50 ≤ 5 ms, p99 ≤ 20 ms' : '',
      targeted ? yes(row.p50 <= 5 && row.p99 <= 20) : '',
    ]);
  }
  if (r.metadata && !r.metadata.rows.some((row) => row.page === 'album listing')) {
    out.push(['metadata', 'album listing', 'pending (no album page)', '', '', '', '']);
  }
  return out;
}

const HEADER: Row = ['section', 'case', 'Pinhole', 'reference (the limit)', 'ratio', 'target', 'met'];

function table(r: BenchResults): string {
  const lines = [HEADER, HEADER.map(() => '---') as unknown as Row, ...rows(r)];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The console table: the Markdown table itself, which reads well in a terminal too. */
export function renderTable(r: BenchResults): string {
  return table(r);
}

export function renderMarkdown(r: BenchResults): string {
  const machine = r.machine;
  const lines = [
    `# Pinhole bench — ${r.mode} run`,
    '',
    `- command: \`${r.command}\` (${r.seconds} s, started ${r.startedAt})`,
    `- machine: ${machine.cores} × ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.os}, Node.js ${machine.node}; load average ${machine.loadAverageStart.join(' / ')} at start, ${machine.loadAverageEnd.join(' / ')} at end`,
    '- every figure is the median of the rounds; ratios compare figures taken in the same run, rounds alternating',
    '',
    table(r),
    '',
  ];
  if (r.delivery) lines.push(`nginx: ${r.delivery.nginxVersion}, example configuration checked: ${r.delivery.configChecks.join('; ')}.`, '');
  if (r.notes.length > 0) lines.push(...r.notes.map((n) => `- ${n}`), '');
  lines.push('Media:', '', ...Object.values(r.media).map((m) => `- \`${m.file}\` (${m.bytes.toLocaleString('en')} B): ${m.description}`), '');
  return `${lines.join('\n')}`;
}
