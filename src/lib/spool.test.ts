import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { formatMegabytes, removeQuietly, spoolToFile } from './spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinhole-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function chunks(buffer: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) out.push(buffer.subarray(i, i + size));
  return out;
}

describe('spoolToFile', () => {
  it('writes the bytes and reports size and sha256', async () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256));
    const result = await spoolToFile(Readable.from(chunks(data, 4096)), { dir, maxBytes: 1_000_000 });
    expect(result.size).toBe(data.length);
    expect(result.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(result.path.startsWith(dir)).toBe(true);
    expect(result.path.endsWith('.part')).toBe(true);
    expect(await readFile(result.path)).toEqual(data);
    expect((await stat(result.path)).mode & 0o777).toBe(0o600);
  });

  it('accepts exactly maxBytes', async () => {
    const data = Buffer.alloc(1000, 1);
    const result = await spoolToFile(Readable.from([data]), { dir, maxBytes: 1000 });
    expect(result.size).toBe(1000);
  });

  it('handles an empty stream', async () => {
    const result = await spoolToFile(Readable.from([]), { dir, maxBytes: 10 });
    expect(result.size).toBe(0);
    expect(result.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('stops at the limit with FILE_TOO_BIG, destroys the source and leaves no file', async () => {
    let pulled = 0;
    const source = new Readable({
      read() {
        pulled += 1;
        this.push(Buffer.alloc(1000, 2));
      },
    });
    const error = await spoolToFile(source, { dir, maxBytes: 2500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('FILE_TOO_BIG');
    expect((error as AppError).publicMessage).toBe('File too big - max 0.0025 MB');
    expect(source.destroyed).toBe(true);
    // Only stream read-ahead (one highWaterMark) was pulled, and reading stopped for good.
    const pulledAtFailure = pulled;
    expect(pulledAtFailure).toBeLessThan(40);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(pulledAtFailure);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the file when the source fails', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(500));
    setTimeout(() => source.destroy(new Error('connection reset')), 10);
    await expect(spoolToFile(source, { dir, maxBytes: 10_000 })).rejects.toThrow('connection reset');
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the file when aborted', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(500));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const error = await spoolToFile(source, { dir, maxBytes: 10_000, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(source.destroyed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails cleanly when the folder does not exist', async () => {
    const source = Readable.from([Buffer.alloc(10)]);
    await expect(spoolToFile(source, { dir: join(dir, 'missing'), maxBytes: 100 })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('formatMegabytes', () => {
  it('writes decimal megabytes without noise', () => {
    expect(formatMegabytes(5_000_000)).toBe('5');
    expect(formatMegabytes(2_500_000)).toBe('2.5');
    expect(formatMegabytes(50_000_000)).toBe('50');
    expect(formatMegabytes(1_234_567)).toBe('1.23');
    expect(formatMegabytes(500_000)).toBe('0.5');
  });
});

describe('removeQuietly', () => {
  it('ignores a missing file', async () => {
    await expect(removeQuietly(join(dir, 'nope'))).resolves.toBeUndefined();
  });
});
