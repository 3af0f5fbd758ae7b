import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort } from '../../helpers/app.js';
import { walkFiles } from './outcome.js';

/**
 * The built server (`node dist/main.js`, what `npm start` runs) as a child process, for the tests
 * that kill it or watch its memory. `npm test` builds first; run `npm run build` before running
 * these files alone.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'dist', 'main.js');
const WAIT_MS = 30_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ChildServer {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private partial = '';
  private waiters: Array<() => void> = [];

  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
  ) {
    proc.stdout?.setEncoding('utf8');
    proc.stderr?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.waiters.splice(0)) wake();
    });
    proc.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Starts `node dist/main.js` on `port` with `dataDir` and waits until it listens. */
  static async start(options: { dataDir: string; port: number; env?: Record<string, string> }): Promise<ChildServer> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('PINHOLE_') && !['PORT', 'HOST', 'FFMPEG_PATH', 'FFPROBE_PATH'].includes(name)) env[name] = value;
    }
    const url = `http://127.0.0.1:${options.port}`;
    Object.assign(env, {
      PORT: String(options.port),
      HOST: '127.0.0.1',
      PINHOLE_DATA_DIR: options.dataDir,
      PINHOLE_BASE_URL: url,
      PINHOLE_FLOOD_PROTECTION: 'false',
      PINHOLE_ADMIN_PASSWORD: 'hostile-admin-password',
      PINHOLE_LOG_LEVEL: 'info',
      ...options.env,
    });
    const proc = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ChildServer(proc, url, options.dataDir);
    live.add(server);
    void server.exited.then(() => live.delete(server));
    await server.waitForLine((l) => l.includes('"msg":"Pinhole is listening"'), 'the listening log line');
    return server;
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The API key printed on first start. */
  firstStartKey(): string {
    const line = this.lines.find((l) => l.startsWith('API key: '));
    if (!line) throw new Error(`no API key printed\n${this.describe()}`);
    return line.slice('API key: '.length).trim();
  }

  describe(): string {
    return `--- stdout ---\n${this.lines.slice(-40).join('\n')}\n--- stderr ---\n${this.stderr.slice(-4000)}`;
  }

  async waitForLine(matches: (line: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(matches);
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`server ended before ${what}\n${this.describe()}`);
      if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms\n${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(10, until - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resident memory of the process in bytes, from /proc (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb === undefined) throw new Error('no VmRSS in /proc status');
    return Number(kb) * 1024;
  }

  kill(): Promise<Exit> {
    if (this.running) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM and wait; SIGKILL if it does not end in time. */
  async stop(timeoutMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

const live = new Set<ChildServer>();

/** Ends every child still running (afterAll / afterEach), each by its own process. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill()));
}

export async function freshDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export { freePort };

export interface StoreAudit {
  /** Stored files that no row references. */
  readonly orphanFiles: string[];
  /** Keys in rows whose file is missing. */
  readonly missingFiles: string[];
  readonly tempFiles: string[];
  readonly rows: number;
  readonly deletingRows: number;
}

/** Compares the files on disk with the rows of the SQLite database (read-only, beside the server). */
export async function auditStore(dataDir: string, dbFile = path.join(dataDir, 'pinhole.db')): Promise<StoreAudit> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const keys = new Set((db.prepare('select key from image_files').all() as Array<{ key: string }>).map((r) => r.key));
    const rows = (db.prepare('select count(*) as n from images').get() as { n: number }).n;
    const deletingRows = (db.prepare("select count(*) as n from images where status = 'deleting'").get() as { n: number }).n;
    const imagesDir = path.join(dataDir, 'images');
    const onDisk = (await walkFiles(imagesDir)).map((f) => path.relative(imagesDir, f).split(path.sep).join('/'));
    const diskSet = new Set(onDisk);
    return {
      orphanFiles: onDisk.filter((k) => !keys.has(k)),
      missingFiles: [...keys].filter((k) => !diskSet.has(k)),
      tempFiles: await walkFiles(path.join(dataDir, 'tmp')),
      rows,
      deletingRows,
    };
  } finally {
    db.close();
  }
}
