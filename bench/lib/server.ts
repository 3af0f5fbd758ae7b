import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Dirty page cache waiting to be written back, in bytes (0 where /proc/meminfo is not there). */
function dirtyBytes(): number {
  try {
    return Number(/^Dirty:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Lets the machine settle before a measurement: what the previous step wrote (a seeded database,
 * thousands of uploads) is written back now, with `sync`, instead of by the kernel's flusher in the
 * middle of the next section. Returns the dirty bytes found and the ms it took.
 */
export async function settle(): Promise<{ dirtyBytes: number; ms: number }> {
  const started = performance.now();
  const dirty = dirtyBytes();
  spawnSync('sync', { stdio: 'ignore' });
  // Another process may still be writing; wait a little for the flusher, not forever.
  for (let i = 0; i < 20 && dirtyBytes() > 64 * 1024 * 1024; i++) await sleep(250);
  await sleep(500);
  return { dirtyBytes: dirty, ms: Math.round(performance.now() - started) };
}

/**
 * What `npm start` (bin/pinhole-server.js) puts in the server's environment on Linux with glibc: the
 * bench runs the server as npm start does. `node dist/main.js` alone runs with glibc's defaults.
 */
export const NPM_START_ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' };

/** How the server's allocator is set: as `npm start` sets it, or glibc's defaults (plain `node dist/main.js`). */
export type Allocator = 'npm-start' | 'glibc-default';

/** The environment of a child: ours without any PINHOLE_* or MALLOC_* setting, so only what the bench says applies. */
export function cleanEnv(extra: Record<string, string>, allocator: Allocator = 'npm-start'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PINHOLE_') && !k.startsWith('MALLOC_') && k !== 'PORT' && k !== 'HOST') env[k] = v;
  return { ...env, ...(allocator === 'npm-start' ? NPM_START_ALLOCATOR_ENV : {}), ...extra };
}

export interface MemorySample {
  /** Resident set now, bytes. */
  readonly rss: number;
  /** Highest resident set since start or since the last resetPeak(), bytes. */
  readonly peak: number;
}

export interface RunningPinhole {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** The admin's API key printed on first start (null when the database already had an admin). */
  readonly apiKey: string | null;
  memory(): MemorySample;
  /** CPU time used so far (the server, its workers and its ffmpeg children), ms. */
  cpuMs(): number;
  /** Resets the kernel's high-water mark (VmHWM) of the process, so peak() covers only what follows. */
  resetPeak(): boolean;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts the built server (`node dist/main.js`, what `npm start` runs) on the embedded defaults,
 * plus what the bench needs: loopback, a fresh data dir, flood protection off, quiet logs.
 */
export async function startPinhole(options: {
  dataDir: string;
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
  allocator?: Allocator;
  /** A log message to wait for besides /healthz answering (logs at info level then). */
  readyWhen?: string;
}): Promise<RunningPinhole> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: cleanEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      PINHOLE_DATA_DIR: options.dataDir,
      PINHOLE_BASE_URL: url,
      PINHOLE_FLOOD_PROTECTION: 'false',
      PINHOLE_LOG_LEVEL: options.readyWhen === undefined ? 'warn' : 'info',
      PINHOLE_ID_SALT: 'bench-salt',
      ...options.env,
    }, options.allocator),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-20_000)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    live.delete(child);
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`Pinhole exited during start\n${stdout}\n${stderr}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok && (options.readyWhen === undefined || stdout.includes(`"msg":"${options.readyWhen}"`))) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Pinhole did not answer within 60 s\n${stdout}\n${stderr}`);
    }
    await sleep(50);
  }
  const apiKey = /API key: (\S+)/.exec(stdout)?.[1] ?? null;
  const pid = child.pid ?? 0;
  return {
    url,
    port,
    dataDir: options.dataDir,
    pid,
    apiKey,
    memory: () => readMemory(pid),
    cpuMs: () => readTreeCpuMs(pid),
    resetPeak: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system) of a process and its finished children, in ms, from /proc. */
export function readCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime, stime, cutime, cstime in clock ticks (100 per second on Linux).
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0) * 10;
}

/** The live processes started by `pid`, and theirs (a primary's workers, their ffmpeg runs). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) found.push(child, ...descendants(child));
  }
  return found;
}

/** CPU time of a process, of its finished children and of those still running, in ms. */
export function readTreeCpuMs(pid: number): number {
  let total = readCpuMs(pid);
  for (const child of descendants(pid)) {
    try {
      total += readCpuMs(child);
    } catch {
      // finished meanwhile: now in its parent's figure
    }
  }
  return total;
}

export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** A multipart body with one `source` file part, built once and sent many times. */
export function multipartBody(file: Buffer, filename: string, type: string, fields: Record<string, string> = {}): { body: Buffer; contentType: string } {
  const boundary = `----pinholebench${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="source"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`));
  parts.push(file);
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
