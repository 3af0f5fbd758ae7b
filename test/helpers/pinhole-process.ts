import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Generous: a loaded machine running other test files in parallel starts Node slowly. */
const START_TIMEOUT_MS = 60_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A built Pinhole server (`node dist/main.js`, what `npm start` runs) as a child process on loopback. */
export class PinholeProcess {
  stdout = '';
  stderr = '';
  /** The admin's API key, when this start created the admin account (first start of a database). */
  apiKey: string | null = null;
  readonly exited: Promise<Exit>;
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    live.add(child);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.apiKey ??= /^API key: (chv_\S+)$/m.exec(this.stdout)?.[1] ?? null;
      for (const wake of this.#waiters) wake();
    });
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise<Exit>((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        live.delete(child);
        for (const wake of this.#waiters) wake();
        resolve({ code, signal });
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Structured log lines (pino JSON) written so far. */
  logs(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line cut in the middle by the pipe; it is complete on the next read.
      }
    }
    return out;
  }

  /** Resolves once a log line has `msg` equal to `message`. */
  async waitForLog(message: string, timeoutMs = START_TIMEOUT_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find((l) => l.msg === message);
      if (found) return found;
      if (!this.running) throw new Error(`pinhole exited before logging "${message}"\n${this.stderr}\n${this.stdout.slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`pinhole did not log "${message}" within ${timeoutMs} ms\n${this.stderr}\n${this.stdout.slice(-3000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000));
        this.#waiters.add(done);
        function done() {
          clearTimeout(timer);
          resolve();
        }
      }).finally(() => this.#waiters.clear());
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Starts `node dist/main.js` (run `npm run build` first; `npm test` does) with only the given
 * variables besides PATH, on a free loopback port, and waits until it listens.
 */
export async function startPinhole(env: Record<string, string>, options: { port?: number } = {}): Promise<PinholeProcess> {
  const server = await launchPinhole(env, options);
  try {
    await server.waitForLog('Pinhole is listening');
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  return server;
}

/** The same start, without waiting for it to listen (for starts that are meant to fail). */
export async function launchPinhole(env: Record<string, string>, options: { port?: number } = {}): Promise<PinholeProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: String(port),
      HOST: '127.0.0.1',
      PINHOLE_LOG_LEVEL: 'info',
      PINHOLE_ID_SALT: 'test-salt',
      // The AWS SDK's notice about Node.js versions says nothing about the test.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new PinholeProcess(child, port);
}
