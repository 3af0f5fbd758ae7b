import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from './load.js';

/**
 * GET load through wrk (Debian's package): a C load generator with one thread, so on a small
 * machine it leaves the most CPU to the server under test. It is used for delivery and pages,
 * where Node-based generators become the bottleneck long before nginx does.
 */
export function findWrk(): string | null {
  for (const candidate of ['/usr/bin/wrk', '/usr/local/bin/wrk']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : null;
}

/** Installs Debian's wrk when missing and we may (root, apt-get present). */
export function ensureWrk(log: (line: string) => void): string | null {
  const found = findWrk();
  if (found !== null) return found;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return null;
  log('wrk is missing: apt-get install wrk');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore', env });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    install = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore', env });
  }
  return findWrk();
}

// Picks a random path per request when WRK_PATHS names a file (one path a line), and prints one JSON
// summary line at the end (latencies in microseconds).
const SCRIPT = `
local paths = nil
local file = os.getenv("WRK_PATHS")
if file ~= nil and file ~= "" then
  paths = {}
  for line in io.lines(file) do paths[#paths + 1] = line end
end
math.randomseed(os.time())
request = function()
  if paths ~= nil then return wrk.format("GET", paths[math.random(#paths)]) end
  return wrk.format("GET")
end
local bad = 0
response = function(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50":%d,"p99":%d,"errors":%d,"status":%d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;

export interface WrkOptions {
  readonly binary: string;
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Paths to pick from at random, one per request. */
  readonly paths?: readonly string[];
  readonly workDir: string;
}

let scriptFile: string | null = null;

export async function wrk(options: WrkOptions): Promise<LoadResult> {
  scriptFile ??= path.join(options.workDir, 'bench.lua');
  await writeFile(scriptFile, SCRIPT);
  let pathsFile = '';
  if (options.paths !== undefined && options.paths.length > 0) {
    pathsFile = path.join(options.workDir, `paths-${process.pid}.txt`);
    await writeFile(pathsFile, `${options.paths.join('\n')}\n`);
  }
  const args = ['-t1', `-c${options.connections}`, `-d${Math.max(1, Math.round(options.seconds))}s`, '--timeout', '10s', '-s', scriptFile, options.url];
  const child = spawn(options.binary, args, { env: { ...process.env, WRK_PATHS: pathsFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (${code}): ${stderr}\n${stdout}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length)) as { requests: number; duration_us: number; bytes: number; p50: number; p99: number; errors: number; status: number };
  const seconds = r.duration_us / 1e6;
  return {
    requests: r.requests,
    seconds,
    rps: r.requests / seconds,
    p50: r.p50 / 1000,
    p99: r.p99 / 1000,
    bytesPerSecond: r.bytes / seconds,
    failures: r.errors + r.status,
  };
}
