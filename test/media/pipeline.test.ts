import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { isLosslessWebp, readApngFrameCount } from '../../src/media/container-probe.js';
import { resolveFfmpegPaths } from '../../src/media/ffmpeg-paths.js';
import { md5File } from '../../src/media/hash.js';
import { SharpFfmpegPipeline } from '../../src/media/media-pipeline.js';
import type { MediaLimits, ProcessOptions, ProcessedMedia } from '../../src/ports/media.js';
import { fixturePath } from '../fixtures/generate.js';

const limits: MediaLimits = {
  maxPixels: 50_000_000,
  maxFrames: 1000,
  maxAnimationPixels: 1_000_000_000,
  maxVideoSeconds: 900,
};

const pipeline = new SharpFfmpegPipeline({ ...resolveFfmpegPaths(), concurrency: 2 });
let root = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pinhole-media-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Run {
  readonly result: ProcessedMedia;
  readonly workDir: string;
}

async function freshWorkDir(): Promise<string> {
  return mkdtemp(path.join(root, 'work-'));
}

function options(name: string, workDir: string, overrides: Partial<ProcessOptions> = {}): ProcessOptions {
  return {
    inputPath: fixturePath(name),
    workDir,
    limits,
    targetWidth: undefined,
    keepMetadata: false,
    thumbSize: 320,
    mediumSize: 500,
    preferJpgExtension: false,
    ...overrides,
  };
}

function producedPaths(result: ProcessedMedia): string[] {
  return [result.main.path, result.thumb.path, result.medium?.path, result.frame?.path].filter(
    (file): file is string => file !== undefined,
  );
}

/** Processes a fixture and checks the work folder holds exactly the returned files. */
async function run(name: string, overrides: Partial<ProcessOptions> = {}): Promise<Run> {
  const workDir = await freshWorkDir();
  const result = await pipeline.process(options(name, workDir, overrides));
  const left = (await readdir(workDir)).map((file) => path.join(workDir, file)).sort();
  expect(left).toEqual(producedPaths(result).sort());
  return { result, workDir };
}

/** Expects an AppError with `code` and an empty work folder afterwards. */
async function expectFailure(name: string, code: string, overrides: Partial<ProcessOptions> = {}): Promise<AppError> {
  const workDir = await freshWorkDir();
  const error: unknown = await pipeline.process(options(name, workDir, overrides)).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect(await readdir(workDir)).toEqual([]);
  return error as AppError;
}

async function pages(file: string): Promise<number> {
  return (await sharp(file).metadata()).pages ?? 1;
}

describe('detect', () => {
  it.each([
    ['photo.jpg', 'image', 'jpeg'],
    ['wide.png', 'image', 'png'],
    ['animated.png', 'image', 'png'],
    ['image.bmp', 'image', 'bmp'],
    ['image.gif', 'image', 'gif'],
    ['image.webp', 'image', 'webp'],
    ['image.avif', 'image', 'avif'],
    ['clip.mp4', 'video', 'mp4'],
    ['clip.mov', 'video', 'mov'],
    ['clip.webm', 'video', 'webm'],
  ])('%s is %s/%s', async (name, kind, format) => {
    expect(await pipeline.detect(fixturePath(name))).toEqual({ kind, format });
  });

  it.each(['fake.jpg', 'svg-as.png', 'pdf.jpg', 'tiff-as.jpg', 'html.gif'])('%s is not accepted', async (name) => {
    expect(await pipeline.detect(fixturePath(name))).toBeNull();
  });

  it('refuses to process what detect refuses', async () => {
    await expectFailure('svg-as.png', 'UNSUPPORTED_TYPE');
    await expectFailure('pdf.jpg', 'UNSUPPORTED_TYPE');
  });
});

describe('JPEG', () => {
  it('applies orientation, strips metadata, keeps EXIF in the result without GPS', async () => {
    const { result } = await run('photo.jpg');
    expect(result).toMatchObject({ kind: 'image', sourceFormat: 'jpeg', isAnimated: false, is360: false, duration: 0 });
    expect(result.main).toMatchObject({ extension: 'jpeg', mime: 'image/jpeg', width: 1200, height: 1600 });
    const stored = await sharp(result.main.path).metadata();
    expect([stored.width, stored.height, stored.exif, stored.xmp, stored.orientation]).toEqual([1200, 1600, undefined, undefined, undefined]);
    expect(result.main.md5).toBe(await md5File(result.main.path));
    expect(result.sourceMd5).toBeNull();
    expect(result.exif).toMatchObject({ Make: 'Pinhole', Model: 'Fixture Cam', Orientation: 6 });
    expect(Object.keys(result.exif ?? {}).filter((key) => /^GPS|MakerNote/.test(key))).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.exif))).toEqual(result.exif);
    expect(result.exifDate?.toISOString()).toBe('2021-06-15T10:20:30.000Z');
    expect(result.exifDescription).toBe('A test photo');
    expect(result.thumb).toMatchObject({ extension: 'jpeg', mime: 'image/jpeg', width: 320, height: 320 });
    expect(result.medium).toMatchObject({ extension: 'jpeg', width: 500, height: 667 });
    expect(result.frame).toBeNull();
  });

  it('keeps metadata (with the orientation reset) when asked', async () => {
    const { result } = await run('photo.jpg', { keepMetadata: true, preferJpgExtension: true });
    expect(result.main).toMatchObject({ extension: 'jpg', mime: 'image/jpeg', width: 1200, height: 1600 });
    const stored = (await exifr.parse(result.main.path, { gps: true, reviveValues: false, translateValues: false })) as Record<string, unknown>;
    expect(stored).toMatchObject({ Make: 'Pinhole', Orientation: 1, GPSLatitudeRef: 'N' });
    expect(result.exif).toMatchObject({ GPSLatitudeRef: 'N', GPSLatitude: [52, 31, 12.34] });
    expect((await sharp(result.thumb.path).metadata()).exif).toBeUndefined();
  });

  it('resizes to a smaller width and records the source md5', async () => {
    const { result } = await run('photo.jpg', { targetWidth: 800 });
    expect([result.main.width, result.main.height]).toEqual([800, 1067]);
    expect(result.sourceMd5).toBe(await md5File(fixturePath('photo.jpg')));
    expect(result.main.md5).not.toBe(result.sourceMd5);
    expect(result.medium?.width).toBe(500);
  });

  it('never upscales: a larger width keeps the size', async () => {
    const { result } = await run('photo.jpg', { targetWidth: 5000 });
    expect([result.main.width, result.main.height, result.sourceMd5]).toEqual([1200, 1600, null]);
  });

  it('makes no medium for a narrow image and upscales the thumb', async () => {
    const { result } = await run('small.jpg');
    expect([result.main.width, result.main.height, result.medium]).toEqual([200, 150, null]);
    expect([result.thumb.width, result.thumb.height]).toEqual([320, 320]);
  });

  it('flags equirectangular panoramas and reads the XMP title', async () => {
    const { result } = await run('pano.jpg');
    expect(result.is360).toBe(true);
    expect(result.exifTitle).toBe('Mountain panorama');
    expect((await sharp(result.main.path).metadata()).xmp).toBeUndefined();
  });

  it('does not store bytes appended after the image', async () => {
    const { result } = await run('polyglot.jpg');
    for (const file of producedPaths(result)) expect((await readFile(file)).includes('<html')).toBe(false);
  });

  it('processes a photo whose EXIF block is corrupt', async () => {
    const { result } = await run('bad-exif.jpg');
    expect([result.main.width, result.main.height, result.exif, result.exifDate]).toEqual([200, 150, null, null]);
  });

  it('does not touch the input file', async () => {
    const before = await md5File(fixturePath('photo.jpg'));
    await run('photo.jpg', { targetWidth: 600 });
    expect(await md5File(fixturePath('photo.jpg'))).toBe(before);
  });
});

describe('other still images', () => {
  it('PNG stays PNG with a medium when wide', async () => {
    const { result } = await run('wide.png');
    expect(result.main).toMatchObject({ extension: 'png', mime: 'image/png', width: 1200, height: 800 });
    expect(result.medium).toMatchObject({ extension: 'png', width: 500, height: 333 });
    expect(result.thumb).toMatchObject({ width: 320, height: 320 });
  });

  it('tiny PNG gets a 320×320 thumb and no medium', async () => {
    const { result } = await run('tiny.png');
    expect([result.main.width, result.main.height, result.medium]).toEqual([40, 30, null]);
    expect([result.thumb.width, result.thumb.height]).toEqual([320, 320]);
  });

  it('BMP is stored as PNG', async () => {
    const { result } = await run('image.bmp');
    expect(result.sourceFormat).toBe('bmp');
    expect(result.main).toMatchObject({ extension: 'png', mime: 'image/png', width: 320, height: 240 });
    expect((await sharp(result.main.path).metadata()).format).toBe('png');
    expect(result.thumb.extension).toBe('png');
  });

  it('static GIF, WebP and AVIF keep their format', async () => {
    const gif = (await run('static.gif')).result;
    expect(gif.main).toMatchObject({ extension: 'gif', mime: 'image/gif', width: 300, height: 200 });
    expect([gif.isAnimated, gif.medium]).toEqual([false, null]);
    const webp = (await run('image.webp')).result;
    expect(webp.main).toMatchObject({ extension: 'webp', mime: 'image/webp', width: 800, height: 600 });
    expect(webp.medium).toMatchObject({ extension: 'webp', width: 500 });
    const avif = (await run('image.avif')).result;
    expect(avif.main).toMatchObject({ extension: 'avif', mime: 'image/avif', width: 256, height: 256 });
    expect(avif.thumb).toMatchObject({ extension: 'avif', width: 320, height: 320 });
  });

  it('lossless WebP stays lossless', async () => {
    const { result } = await run('lossless.webp');
    expect(await isLosslessWebp(result.main.path)).toBe(true);
  });
});

describe('animations', () => {
  it('animated GIF keeps its frames, is never resized, and always has a static medium', async () => {
    const { result } = await run('image.gif', { targetWidth: 300 });
    expect(result.isAnimated).toBe(true);
    expect(result.main).toMatchObject({ extension: 'gif', width: 600, height: 400 });
    expect(await pages(result.main.path)).toBe(4);
    expect(result.medium).toMatchObject({ extension: 'gif', width: 500, height: 333 });
    expect(await pages(result.medium?.path ?? '')).toBe(1);
    expect(result.thumb).toMatchObject({ width: 320, height: 320 });
    expect(await pages(result.thumb.path)).toBe(1);
    expect(result.sourceMd5).toBeNull();
  });

  it('animated WebP keeps its frames', async () => {
    const { result } = await run('animated.webp');
    expect(result.isAnimated).toBe(true);
    expect(await pages(result.main.path)).toBe(4);
    expect(result.medium?.width).toBe(500);
  });

  it('APNG stays animated, with a medium at its own width', async () => {
    const { result } = await run('animated.png');
    expect(result.isAnimated).toBe(true);
    expect(result.main).toMatchObject({ extension: 'png', width: 200, height: 150 });
    expect(await readApngFrameCount(result.main.path)).toBe(3);
    expect(result.medium).toMatchObject({ width: 200, height: 150 });
  });

  it('enforces the frame and animation pixel limits', async () => {
    await expectFailure('image.gif', 'TOO_MANY_FRAMES', { limits: { ...limits, maxFrames: 2 } });
    await expectFailure('image.gif', 'TOO_MANY_PIXELS', { limits: { ...limits, maxAnimationPixels: 600 * 400 * 3 } });
  });
});

describe('video', () => {
  it('MP4: kept as sent, frame at a quarter, thumb and medium from the frame', async () => {
    const { result } = await run('clip.mp4');
    expect(result).toMatchObject({ kind: 'video', sourceFormat: 'mp4', isAnimated: false, is360: false, exif: null });
    expect(result.main).toMatchObject({ extension: 'mp4', mime: 'video/mp4', width: 640, height: 360 });
    expect(result.main.md5).toBe(await md5File(fixturePath('clip.mp4')));
    expect(result.duration).toBeCloseTo(3, 1);
    expect(result.frame).toMatchObject({ extension: 'jpeg', mime: 'image/jpeg', width: 640, height: 360 });
    expect((await sharp(result.frame?.path ?? '').metadata()).format).toBe('jpeg');
    expect(result.thumb).toMatchObject({ extension: 'jpeg', width: 320, height: 320 });
    expect(result.medium).toMatchObject({ extension: 'jpeg', width: 500, height: 281 });
  });

  it('MOV and WebM', async () => {
    const mov = (await run('clip.mov')).result;
    expect(mov.main).toMatchObject({ extension: 'mov', mime: 'video/quicktime', width: 320, height: 240 });
    expect(mov.medium).toBeNull();
    const webm = (await run('clip.webm')).result;
    expect(webm.main).toMatchObject({ extension: 'webm', mime: 'video/webm', width: 320, height: 240 });
    expect(webm.duration).toBeCloseTo(2, 0);
  });

  it('swaps the size of a rotated video', async () => {
    const { result } = await run('rotated.mp4');
    expect([result.main.width, result.main.height]).toEqual([240, 320]);
    expect([result.frame?.width, result.frame?.height]).toEqual([240, 320]);
  });

  it('rejects a video over the length limit and a file without video', async () => {
    const error = await expectFailure('clip.mp4', 'VIDEO_TOO_LONG', { limits: { ...limits, maxVideoSeconds: 1 } });
    expect(error.publicMessage).toBe('Video too long: max 1 second');
    await expectFailure('audio-only.mp4', 'INVALID_VIDEO');
  });
});

describe('hostile and broken input', () => {
  it.each(['truncated.jpg', 'truncated.png'])('%s is undecodable', async (name) => {
    await expectFailure(name, 'UNDECODABLE');
  });

  it.each(['huge-dimensions.png', 'huge-dimensions.bmp'])('%s is refused from its header', async (name) => {
    const started = Date.now();
    const error = await expectFailure(name, 'TOO_MANY_PIXELS');
    expect(error.publicMessage).toBe('Image too large: max 50 megapixels');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('runs many jobs through a small pool', async () => {
    const single = new SharpFfmpegPipeline({ ...resolveFfmpegPaths(), concurrency: 1 });
    const workDir = await freshWorkDir();
    const names = ['small.jpg', 'tiny.png', 'static.gif', 'image.bmp', 'clip.mov', 'truncated.jpg'];
    const settled = await Promise.allSettled(names.map((name) => single.process(options(name, workDir))));
    expect(settled.map((entry) => entry.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const kept = settled.flatMap((entry) => (entry.status === 'fulfilled' ? producedPaths(entry.value) : []));
    expect((await readdir(workDir)).length).toBe(kept.length);
  });
});
