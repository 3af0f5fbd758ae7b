import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { readBmpHeader } from '../../src/media/bmp.js';
import { detectMediaType } from '../../src/media/detect.js';
import { parseExifDate, readExif } from '../../src/media/exif.js';
import { findOnPath, resolveFfmpegPaths } from '../../src/media/ffmpeg-paths.js';
import { mimeForExtension } from '../../src/media/mime.js';
import { readPngInfo, rewritePng } from '../../src/media/png-chunks.js';
import { runProcess } from '../../src/media/process-runner.js';
import { Semaphore } from '../../src/media/semaphore.js';
import { parseProbe } from '../../src/media/video.processor.js';
import { fixturePath, pngChunk } from '../fixtures/generate.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pinhole-media-helpers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function codeOf(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
}

describe('resolveFfmpegPaths', () => {
  it('prefers explicit paths, else finds working binaries', async () => {
    expect(resolveFfmpegPaths({ ffmpegPath: '/opt/ff/ffmpeg', ffprobePath: '/opt/ff/ffprobe' })).toEqual({
      ffmpegPath: '/opt/ff/ffmpeg',
      ffprobePath: '/opt/ff/ffprobe',
    });
    const { ffmpegPath, ffprobePath } = resolveFfmpegPaths();
    for (const binary of [ffmpegPath, ffprobePath]) {
      const result = await runProcess(binary, ['-hide_banner', '-version'], { timeoutMs: 10_000 });
      expect(result.code).toBe(0);
    }
  });

  it('looks binaries up on PATH, ignoring relative entries', () => {
    expect(findOnPath('node')).toMatch(/node$/);
    expect(findOnPath('definitely-not-a-binary-name')).toBeNull();
    expect(findOnPath('node', `.${path.delimiter}relative/bin`)).toBeNull();
  });
});

describe('runProcess', () => {
  it('kills a process at its timeout', async () => {
    const started = Date.now();
    const result = await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('caps captured output and passes arguments verbatim', async () => {
    const script = 'process.stdout.write("x".repeat(100000)); process.stdout.write(process.argv[1])';
    const result = await runProcess(process.execPath, ['-e', script, '$(touch /tmp/no); `x` "q"'], {
      timeoutMs: 10_000,
      maxOutputBytes: 1000,
    });
    expect([result.code, result.stdout.length, result.stdoutTruncated]).toEqual([0, 1000, true]);
    const echo = await runProcess(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$(x); `y` "q"'], {
      timeoutMs: 10_000,
    });
    expect(echo.stdout).toBe('$(x); `y` "q"');
  });

  it('rejects when the binary does not exist', async () => {
    await expect(runProcess('/nonexistent/binary', [], { timeoutMs: 1000 })).rejects.toThrow();
  });
});

describe('Semaphore', () => {
  it('runs at most `limit` tasks, in arrival order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (id: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return id;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((id) => semaphore.run(task(id))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect([semaphore.running, semaphore.queued]).toEqual([0, 0]);
  });
});

describe('small parsers', () => {
  it('maps extensions to MIME types', () => {
    expect(['jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'mp4', 'mov', 'webm'].map(mimeForExtension)).toEqual([
      'image/jpeg', 'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'video/quicktime', 'video/webm',
    ]);
  });

  it('reads EXIF dates as UTC and rejects impossible ones', () => {
    expect(parseExifDate('2021:06:15 10:20:30')?.toISOString()).toBe('2021-06-15T10:20:30.000Z');
    expect(parseExifDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseExifDate('2021:02:31 10:00:00')).toBeNull();
    expect(parseExifDate(20210615)).toBeNull();
  });

  it('reads BMP headers', () => {
    const head = Buffer.alloc(26);
    head.write('BM', 0, 'latin1');
    head.writeUInt32LE(40, 14);
    head.writeInt32LE(640, 18);
    head.writeInt32LE(-480, 22);
    expect(readBmpHeader(head)).toEqual({ width: 640, height: 480 });
    expect(readBmpHeader(Buffer.from('BM is how this text starts, and nothing more'))).toBeNull();
  });

  it('never throws on broken EXIF', async () => {
    expect(await readExif(fixturePath('bad-exif.jpg'), false)).toEqual({ exif: null, date: null, title: null, description: null });
    expect((await readExif(fixturePath('fake.jpg'), false)).exif).toBeNull();
  });

  it('detects AVIF filed under the generic HEIF brand', async () => {
    const copy = path.join(dir, 'mif1.avif');
    await copyFile(fixturePath('image.avif'), copy);
    const bytes = await readFile(copy);
    bytes.write('mif1', 8, 'latin1');
    await writeFile(copy, bytes);
    expect(await detectMediaType(copy)).toEqual({ kind: 'image', format: 'avif' });
  });
});

describe('PNG chunk rewrite', () => {
  it('drops metadata, private chunks and trailing bytes; keeps metadata when asked', async () => {
    const original = await readFile(fixturePath('animated.png'));
    const iend = original.length - 12;
    const dirty = Buffer.concat([
      original.subarray(0, 33),
      pngChunk('tEXt', Buffer.from('Comment\0secret', 'latin1')),
      pngChunk('prIv', Buffer.from('<html>')),
      original.subarray(33, iend + 12),
      Buffer.from('<html><script>alert(1)</script></html>'),
    ]);
    const clean = rewritePng(dirty, false);
    expect(clean.equals(original)).toBe(true);
    expect(rewritePng(dirty, true).includes('secret')).toBe(true);
    expect(readPngInfo(clean)).toEqual({ width: 200, height: 150, animated: true, frames: 3 });
    const corrupt = Buffer.from(dirty);
    corrupt[40] = (corrupt[40] ?? 0) ^ 0xff;
    expect(codeOf(() => rewritePng(corrupt, false))).toBe('UNDECODABLE');
  });
});

describe('parseProbe', () => {
  const video = { index: 0, codec_type: 'video', width: 1920, height: 1080 };

  it('reads size, duration and rotation', () => {
    const rotated = { ...video, side_data_list: [{ rotation: -90 }] };
    expect(parseProbe({ format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5' }, streams: [rotated] }, 'mp4')).toMatchObject({
      width: 1080,
      height: 1920,
      duration: 12.5,
    });
  });

  it('refuses mismatched containers, missing video and missing duration', () => {
    expect(codeOf(() => parseProbe({ format: { format_name: 'matroska,webm', duration: '1' }, streams: [video] }, 'mp4'))).toBe('UNDECODABLE');
    const coverArt = { ...video, disposition: { attached_pic: 1 } };
    const audio = { index: 1, codec_type: 'audio' };
    expect(codeOf(() => parseProbe({ format: { format_name: 'mov,mp4', duration: '1' }, streams: [coverArt, audio] }, 'mp4'))).toBe('INVALID_VIDEO');
    expect(codeOf(() => parseProbe({ format: { format_name: 'mov,mp4', duration: '0' }, streams: [video] }, 'mov'))).toBe('INVALID_VIDEO');
    expect(codeOf(() => parseProbe({ format: { format_name: 'matroska,webm' }, streams: [video] }, 'webm'))).toBe('INVALID_VIDEO');
  });
});
