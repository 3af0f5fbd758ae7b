import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly timeoutMs: number;
  /** Bytes kept of each of stdout and stderr; the rest is read and dropped so the child never blocks. */
  readonly maxOutputBytes?: number;
}

export interface RunResult {
  /** Exit code, or null when the process died from a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly stdoutTruncated: boolean;
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.length;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.length += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.length).toString('utf8');
  }
}

/**
 * Runs a binary with an argument array. No shell is involved, so nothing in the arguments (file
 * names included) is ever interpreted. Rejects only when the process cannot be started.
 */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const stdout = new CappedBuffer(cap);
    const stderr = new CappedBuffer(cap);
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // SIGKILL: a decoder stuck on hostile input may ignore SIGTERM.
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        stdoutTruncated: stdout.truncated,
      });
    });
  });
}
