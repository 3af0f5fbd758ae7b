/**
 * The README's quick start, done as a person would: the built server (`node dist/main.js`, what
 * `npm start` runs) and the `pinhole` command as child processes, talked to over HTTP, with only the
 * environment variables a person would set. Needs a fresh `npm run build` (`npm test` does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Generous: a loaded CI machine running the other test files in parallel starts Node slowly. */
const WAIT_MS = 20_000;
const KEY_PATTERN = /^chv_[A-Za-z0-9]+_[0-9a-f]{64}$/;

// ---------------------------------------------------------------------------------------------
// Processes: every child is tracked so a failing test cannot leave a server running.

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
const tempDirs: string[] = [];

class Launched {
  readonly lines: string[] = [];
  stdout = '';
  stderr = '';
  readonly closed: Promise<Exit>;
  private partial = '';
  private readonly events = new EventEmitter();
  private finished: Exit | null = null;

  constructor(readonly child: ChildProcess) {
    live.add(child);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        this.events.emit('line', line);
      }
    });
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    // 'close' rather than 'exit': it comes after both pipes are drained, so the output is complete.
    this.closed = new Promise<Exit>((resolve) => {
      const done = (exit: Exit) => {
        if (this.finished) return;
        live.delete(child);
        if (this.partial !== '') {
          this.lines.push(this.partial);
          this.partial = '';
        }
        this.finished = exit;
        this.events.emit('closed');
        resolve(exit);
      };
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => done({ code, signal }));
      child.once('error', (error) => {
        this.stderr += `spawn failed: ${error.message}\n`;
        done({ code: null, signal: null });
      });
    });
  }

  get running(): boolean {
    return this.finished === null;
  }

  describe(): string {
    return `exit ${JSON.stringify(this.finished)}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  /** Resolves with the first stdout line (already printed or still to come) that matches. */
  waitForLine(matches: (line: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    const seen = this.lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('line', onLine);
        this.events.off('closed', onClosed);
      };
      const onLine = (line: string) => {
        if (!matches(line)) return;
        cleanup();
        resolve(line);
      };
      const onClosed = () => {
        cleanup();
        reject(new Error(`process ended before printing ${what}\n${this.describe()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
      this.events.on('line', onLine);
      if (this.finished) onClosed();
      else this.events.on('closed', onClosed);
    });
  }

  /** Sends `signal` and waits for the end; SIGKILL if it does not come in time. */
  async stop(signal: NodeJS.Signals, timeoutMs = WAIT_MS): Promise<Exit> {
    if (!this.running) return this.closed;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const result = await Promise.race([this.closed, late]);
    clearTimeout(timer);
    if (result !== 'late') return result;
    this.child.kill('SIGKILL');
    await this.closed;
    throw new Error(`did not stop within ${timeoutMs} ms of ${signal}\n${this.describe()}`);
  }
}

const launched = new Set<Launched>();

function launch(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Launched {
  const child = spawn(file, args, { cwd: ROOT, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const proc = new Launched(child);
  launched.add(proc);
  if (input !== undefined) child.stdin?.end(input);
  return proc;
}

async function killEverything(): Promise<void> {
  const running = [...launched].filter((p) => p.running);
  launched.clear();
  await Promise.all(running.map((p) => p.stop('SIGKILL', 5_000).catch(() => undefined)));
  // A child whose Launched was lost (should not happen) is still ended, by its own pid.
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

async function cleanUp(): Promise<void> {
  await killEverything();
  const dirs = tempDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

afterEach(cleanUp);
afterAll(cleanUp);

// ---------------------------------------------------------------------------------------------
// The environment a person has: their own, minus anything Pinhole reads, plus what they set.

function personEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('PINHOLE_') || name === 'PORT' || name === 'HOST' || name === 'FFMPEG_PATH' || name === 'FFPROBE_PATH') continue;
    env[name] = value;
  }
  return { ...env, ...vars };
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-e2e-'));
  tempDirs.push(dir);
  return dir;
}

function logRecord(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isLog = (msg: string) => (line: string) => logRecord(line)?.msg === msg;

interface Server {
  readonly proc: Launched;
  readonly port: number;
  readonly base: string;
}

async function startServer(dataDir: string, port: number, extra: Record<string, string> = {}): Promise<Server> {
  const env = personEnv({ PORT: String(port), HOST: '127.0.0.1', PINHOLE_DATA_DIR: dataDir, ...extra });
  const proc = launch(process.execPath, ['dist/main.js'], env);
  await proc.waitForLine(isLog('Pinhole is listening'), 'the "Pinhole is listening" log line');
  return { proc, port, base: `http://localhost:${port}` };
}

/** Waits for the key line itself rather than trusting its order against the log stream. */
const printedKey = (server: Server) => server.proc.waitForLine((l) => l.startsWith('API key: '), 'the "API key:" line');

/** The plain-text block of a first start, from the stdout lines that are not JSON logs. */
function firstStartBlock(lines: readonly string[]): { admin: boolean; password: string | null; key: string | null } {
  const text = lines.filter((l) => logRecord(l) === null);
  const password = text.find((l) => l.startsWith('Password: '));
  const key = text.find((l) => l.startsWith('API key: '));
  return {
    admin: text.includes('Admin account: admin'),
    password: password === undefined ? null : password.slice('Password: '.length),
    key: key === undefined ? null : key.slice('API key: '.length),
  };
}

async function run(args: readonly string[], env: NodeJS.ProcessEnv, input?: string, file = process.execPath): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = launch(file, args, env, input);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), WAIT_MS);
  });
  const exit = await Promise.race([proc.closed, late]);
  clearTimeout(timer);
  if (exit === 'late') throw new Error(`${file} ${args.join(' ')} did not finish within ${WAIT_MS} ms\n${proc.describe()}`);
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

const pinhole = (args: readonly string[], env: NodeJS.ProcessEnv, input?: string) => run(['bin/pinhole.js', ...args], env, input);

// ---------------------------------------------------------------------------------------------
// HTTP, as curl does it.

interface UploadAnswer {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

interface UploadedImage {
  readonly url: string;
  readonly md5: string;
  readonly width: number;
  readonly height: number;
  readonly date_gmt: string;
}

async function upload(server: Server, key: string, file: string, fields: Record<string, string> = {}): Promise<UploadAnswer> {
  const form = new FormData();
  form.append('source', new Blob([new Uint8Array(await readFile(file))], { type: 'image/jpeg' }), path.basename(file));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(`${server.base}/api/1/upload`, { method: 'POST', body: form, headers: { 'X-API-Key': key } });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

function imageOf(answer: UploadAnswer): UploadedImage {
  expect(answer.status, answer.text).toBe(200);
  const image = (answer.json as { image?: UploadedImage } | null)?.image;
  if (!image) throw new Error(`no image in answer: ${answer.text.slice(0, 500)}`);
  return image;
}

async function fetchBytes(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** A photo-like 800×600 JPEG (gradients and texture, not a flat colour that compresses to nothing). */
async function makeJpeg(dir: string): Promise<string> {
  const width = 800;
  const height = 600;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = Math.round((x / width) * 255);
      raw[i + 1] = Math.round((y / height) * 255);
      raw[i + 2] = ((x * 7) ^ (y * 13)) & 255;
    }
  }
  const file = path.join(dir, 'photo.jpg');
  await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toFile(file);
  return file;
}

const exists = (p: string) => access(p).then(() => true, () => false);

// ---------------------------------------------------------------------------------------------

describe('quick start, as a person does it', () => {
  it('first start prints the admin block, and the printed key uploads with JSON and format=txt answers that serve', async () => {
    const dataDir = await freshDataDir();
    const photo = await makeJpeg(await freshDataDir());
    const server = await startServer(dataDir, await freePort());
    await printedKey(server);
    const block = firstStartBlock(server.proc.lines);
    expect(block.admin, server.proc.describe()).toBe(true);
    expect(block.password).toMatch(/^\S{8,}$/);
    expect(block.key).toMatch(KEY_PATTERN);
    const key = block.key ?? '';
    // stdout is the JSON log plus that block and nothing else, so log shippers can rely on it.
    const stray = server.proc.lines.filter((l) => logRecord(l) === null && !/^(|Admin account: admin|Password: \S+|API key: chv_\S+)$/.test(l));
    expect(stray).toEqual([]);

    const image = imageOf(await upload(server, key, photo));
    expect(image.url.startsWith(`http://localhost:${server.port}/images/`), image.url).toBe(true);
    expect([image.width, image.height]).toEqual([800, 600]);
    const served = await fetchBytes(image.url);
    expect(served.status).toBe(200);
    expect(served.type).toBe('image/jpeg');
    expect(md5(served.bytes)).toBe(image.md5);

    // The URL path is the datefolder key, YYYY/MM/DD of the upload in the site's zone (UTC by default).
    const relative = new URL(image.url).pathname.slice('/images/'.length);
    const folder = /^(\d{4})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(relative);
    expect(folder, relative).not.toBeNull();
    expect(`${folder?.[1]}-${folder?.[2]}-${folder?.[3]}`).toBe(image.date_gmt.slice(0, 10));
    const onDisk = path.join(dataDir, 'images', ...relative.split('/'));
    expect(md5(await readFile(onDisk))).toBe(image.md5);

    const txt = await upload(server, key, photo, { format: 'txt' });
    expect(txt.status, txt.text).toBe(200);
    expect(txt.text).toMatch(new RegExp(`^http://localhost:${server.port}/images/\\d{4}/\\d{2}/\\d{2}/[^/\\s]+\\.jpg$`));
    const txtServed = await fetchBytes(txt.text);
    expect(txtServed.status).toBe(200);
    expect((await sharp(txtServed.bytes).metadata()).format).toBe('jpeg');
    expect(await exists(path.join(dataDir, 'images', ...new URL(txt.text).pathname.slice('/images/'.length).split('/')))).toBe(true);

    // The embedded default: one SQLite file in the data dir, in WAL mode (header bytes 18-19 = 2).
    const header = (await readFile(path.join(dataDir, 'pinhole.db'))).subarray(0, 20);
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect([header[18], header[19]]).toEqual([2, 2]);
  });

  it('restarts gracefully on SIGTERM and keeps its admin, key and images', async () => {
    const dataDir = await freshDataDir();
    const photo = await makeJpeg(await freshDataDir());
    const port = await freePort();
    const first = await startServer(dataDir, port);
    await printedKey(first);
    const key = firstStartBlock(first.proc.lines).key ?? '';
    expect(key).toMatch(KEY_PATTERN);
    const image = imageOf(await upload(first, key, photo));

    const sent = Date.now();
    const exit = await first.proc.stop('SIGTERM', 10_000);
    const stopMs = Date.now() - sent;
    expect(exit, first.proc.describe()).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(5_000);
    expect(first.proc.lines.some(isLog('shutting down'))).toBe(true);
    expect(first.proc.stderr).toBe('');

    // Same port, because the stored URLs carry it (the base URL defaults to http://localhost:PORT).
    const second = await startServer(dataDir, port);
    const block = firstStartBlock(second.proc.lines);
    expect(block, second.proc.describe()).toEqual({ admin: false, password: null, key: null });
    expect(second.proc.lines.some((l) => String(logRecord(l)?.msg ?? '').startsWith('first start'))).toBe(false);

    const again = await upload(second, key, photo, { format: 'txt' });
    expect(again.status, again.text).toBe(200);
    expect((await fetchBytes(again.text)).status).toBe(200);
    const old = await fetchBytes(image.url);
    expect(old.status).toBe(200);
    expect(md5(old.bytes)).toBe(image.md5);
  });

  it('manages users and keys with the pinhole command while the server runs on the same data dir', async () => {
    const dataDir = await freshDataDir();
    const photo = await makeJpeg(await freshDataDir());
    const server = await startServer(dataDir, await freePort());
    const env = personEnv({ PINHOLE_DATA_DIR: dataDir });

    const created = await pinhole(['user', 'create', 'bob', '--password-stdin'], env, 'correct-horse-battery\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('created user bob\n');

    const made = await pinhole(['key', 'create', 'bob', '--label', 'laptop'], env);
    expect(made.code, made.stderr).toBe(0);
    // Scripts do KEY=$(pinhole key create ...): the key alone, one line.
    expect(made.stdout).toMatch(/^chv_[A-Za-z0-9]+_[0-9a-f]{64}\n$/);
    const bobKey = made.stdout.trim();
    const prefix = bobKey.slice(0, bobKey.lastIndexOf('_') + 1);

    const listKeys = async () => {
      const listed = await pinhole(['key', 'list', 'bob'], env);
      expect(listed.code, listed.stderr).toBe(0);
      const [header, ...rows] = listed.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
      expect(header).toEqual(['ID', 'PREFIX', 'LABEL', 'CREATED', 'LAST USED', 'STATUS']);
      expect(rows).toHaveLength(1);
      const [id, shownPrefix, label, , lastUsed, status] = rows[0] ?? [];
      return { id: id ?? '', shownPrefix, label, lastUsed, status };
    };
    const before = await listKeys();
    expect(before).toMatchObject({ shownPrefix: prefix, label: 'laptop', lastUsed: '-', status: 'active' });

    const image = imageOf(await upload(server, bobKey, photo));
    const served = await fetchBytes(image.url);
    expect(served.status).toBe(200);
    expect(md5(served.bytes)).toBe(image.md5);

    const revoked = await pinhole(['key', 'revoke', before.id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await listKeys();
    expect(after).toMatchObject({ id: before.id, label: 'laptop', status: 'revoked' });
    expect(after.lastUsed).not.toBe('-');

    const refused = await upload(server, bobKey, photo);
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ status_code: 401, error: { message: 'Invalid API key.', code: 100 }, status_txt: 'Unauthorized' });

    const duplicate = await pinhole(['user', 'create', 'bob', '--password-stdin'], env, 'another-password\n');
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/bob.*already exists/);
    expect(duplicate.stdout).toBe('');

    const unknown = await pinhole(['frobnicate'], env);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('Usage: pinhole');
    expect(unknown.stdout).toBe('');

    // Help needs no configuration and must not create a database where it happens to run.
    const untouched = path.join(dataDir, 'untouched');
    const help = await run(['run', '-s', 'pinhole', '--', '--help'], personEnv({ PINHOLE_DATA_DIR: untouched }), undefined, 'npm');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pinhole <command>\n/);
    expect(help.stdout).toContain('key create USER [--label L]');
    expect(await exists(untouched)).toBe(false);

    expect(server.proc.running, server.proc.describe()).toBe(true);
  });

  it('refuses a bad configuration at once, naming every bad variable, with exit code 78', async () => {
    const dataDir = path.join(await freshDataDir(), 'data');
    const env = personEnv({ PORT: 'abc', PINHOLE_TIMEZONE: 'Mars/Olympus', PINHOLE_DUPLICATES: 'maybe', PINHOLE_DATA_DIR: dataDir });
    const started = Date.now();
    const result = await run(['dist/main.js'], env);
    const elapsed = Date.now() - started;
    expect(result.code, result.stderr).toBe(78);
    expect(elapsed).toBeLessThan(5_000);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('PINHOLE_TIMEZONE');
    expect(result.stderr).toContain('PINHOLE_DUPLICATES');
    expect(result.stdout).not.toContain('Pinhole is listening');
    expect(await exists(dataDir)).toBe(false);
  });

  it('with PINHOLE_ADMIN_PASSWORD prints the key but no password on first start', async () => {
    const dataDir = await freshDataDir();
    const photo = await makeJpeg(await freshDataDir());
    const password = 'twelve-chars';
    expect(password).toHaveLength(12);
    const server = await startServer(dataDir, await freePort(), { PINHOLE_ADMIN_PASSWORD: password });
    await printedKey(server);
    const block = firstStartBlock(server.proc.lines);
    expect(block.admin, server.proc.describe()).toBe(true);
    expect(block.password).toBeNull();
    expect(server.proc.lines.some((l) => l.startsWith('Password:'))).toBe(false);
    expect(block.key).toMatch(KEY_PATTERN);
    // The operator chose it; echoing it into logs would only spread it.
    expect(server.proc.stdout).not.toContain(password);
    expect(server.proc.stderr).not.toContain(password);

    const uploaded = await upload(server, block.key ?? '', photo, { format: 'txt' });
    expect(uploaded.status, uploaded.text).toBe(200);
    expect((await fetchBytes(uploaded.text)).status).toBe(200);
    expect((await stat(path.join(dataDir, 'pinhole.db'))).size).toBeGreaterThan(0);
  });
});
