import { readFile, writeFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { AppError } from '../errors/app-error.js';
import type { ImageFormat, ProcessOptions, ProcessedMedia, ProducedFile } from '../ports/media.js';
import { readBmpHeader } from './bmp.js';
import { isLosslessWebp, readApngFrameCount } from './container-probe.js';
import { readExif, type ExifSummary } from './exif.js';
import { readFileHead } from './file-head.js';
import { derivativePlan, type DerivativePlan } from './derivatives.js';
import { md5File } from './hash.js';
import { checkPixelLimits } from './limits.js';
import { mimeForExtension } from './mime.js';
import { readPngInfo, rewritePng } from './png-chunks.js';
import { jpegOptionsFor } from './jpeg-options.js';
import { allSettledOrThrow } from './settle.js';
import type { TempFiles } from './temp-files.js';

/** What a stored image is encoded as; BMP never is (it becomes PNG). */
type StoredFormat = Exclude<ImageFormat, 'bmp'>;

export interface ImageJob {
  readonly options: ProcessOptions;
  readonly format: ImageFormat;
  readonly temps: TempFiles;
  /** Decodes a BMP into a PNG file (libvips has no BMP loader). */
  readonly bmpToPng: (input: string, output: string) => Promise<void>;
  /** Upper bound for one sharp pipeline. */
  readonly timeoutSeconds: number;
}

interface EncodeHints {
  readonly lossless: boolean;
  readonly palette: boolean;
  /** Pixels of the image written (decides the JPEG coding, see jpegOptionsFor). */
  readonly pixels: number;
}

/** sharp's `format` names for what file-type detected; a mismatch means the bytes lie about themselves. */
const sharpFormatName: Record<StoredFormat, string> = { jpeg: 'jpeg', png: 'png', gif: 'gif', webp: 'webp', avif: 'heif' };

/** Formats exifr can read metadata from (GIF and BMP carry none that matters). */
const exifFormats = new Set<ImageFormat>(['jpeg', 'png', 'webp', 'avif']);

// Strict enough that a truncated JPEG or PNG fails instead of being stored with a grey tail, lenient
// enough for the harmless warnings that many camera files trigger.
const FAIL_ON = 'error';

const noExif: ExifSummary = { exif: null, date: null, title: null, description: null };

function encodeAs(pipeline: Sharp, format: StoredFormat, hints: EncodeHints): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg(jpegOptionsFor(hints.pixels));
    case 'png':
      // A palette input with at most 256 colours is rebuilt exactly at quality 100 without dithering,
      // and stays several times smaller than a truecolour re-encode.
      return hints.palette
        ? pipeline.png({ compressionLevel: 6, palette: true, quality: 100, dither: 0 })
        : pipeline.png({ compressionLevel: 6 });
    case 'gif':
      return pipeline.gif();
    case 'webp':
      return pipeline.webp(hints.lossless ? { lossless: true } : { quality: 90 });
    case 'avif':
      // AVIF encoding is slow; effort 3 keeps a 12 MP photo to a few seconds.
      return pipeline.avif({ quality: 60, effort: 3 });
  }
}

function isEquirectangular(xmp: Buffer | undefined): boolean {
  if (!xmp) return false;
  return /ProjectionType\s*(=\s*["']\s*equirectangular|>\s*equirectangular)/i.test(xmp.toString('utf8'));
}

async function readHeader(source: string, expected: StoredFormat): Promise<Metadata> {
  let meta: Metadata;
  try {
    // Header only, no pixels: the pixel limit is ours to check, with our own message.
    meta = await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError('UNDECODABLE', { cause: error });
  }
  if (meta.format !== sharpFormatName[expected] || !(meta.width > 0) || !(meta.height > 0)) {
    throw new AppError('UNDECODABLE', { detail: 'the file content does not match its type' });
  }
  return meta;
}

function produced(path: string, extension: string, info: Pick<OutputInfo, 'size' | 'width' | 'height'>): ProducedFile {
  return { path, extension, mime: mimeForExtension(extension), size: info.size, width: info.width, height: info.height };
}

async function writeWith(pipeline: Sharp, path: string, extension: string): Promise<ProducedFile> {
  const info = await pipeline.toFile(path);
  // For animations sharp reports the height of all frames stacked; a frame's height is what is stored.
  return produced(path, extension, { size: info.size, width: info.width, height: info.pageHeight ?? info.height });
}

/**
 * Derivatives decoded together: above this many pixels at the shared decode size (a very long
 * panorama, whose short side is already below the thumbnail's), each derivative streams from the file
 * instead, so one upload never holds a large raw image in memory.
 */
const SHARED_DECODE_MAX_PIXELS = 4_000_000;

interface DeriveSpec {
  readonly still: Sharp;
  readonly plan: DerivativePlan;
  readonly thumbSize: number;
  readonly encode: (pipeline: Sharp) => Sharp;
  readonly limit: (pipeline: Sharp) => Sharp;
  readonly thumbPath: string;
  readonly mediumPath: string | null;
  readonly extension: string;
}

function thumbResize(pipeline: Sharp, size: number): Sharp {
  return pipeline.resize(size, size, { fit: 'cover', position: 'centre' });
}

/**
 * Thumb and medium from one decode at the smallest size both can be cut from (shrink-on-load where
 * the format has it), resized in memory: the file is decoded once for both instead of once each.
 */
function deriveFromOneDecode(spec: DeriveSpec): () => Promise<[ProducedFile, ProducedFile | null]> {
  const { plan } = spec;
  const decoded = spec.still.clone().resize(plan.decodeWidth, plan.decodeHeight, { fit: 'outside' }).raw();
  return async () => {
    const { data, info } = await decoded.toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const fromPixels = () => spec.limit(sharp(data, raw));
    const medium =
      plan.mediumWidth !== null && spec.mediumPath !== null
        ? // Height as a width-only resize of the full image gives it, so the stored size does not depend on the shortcut.
          spec.encode(fromPixels().resize(plan.mediumWidth, Math.max(1, Math.round((plan.fullHeight * plan.mediumWidth) / plan.fullWidth)), { fit: 'fill' }))
        : null;
    return allSettledOrThrow<[ProducedFile, ProducedFile | null]>([
      writeWith(spec.encode(thumbResize(fromPixels(), spec.thumbSize)), spec.thumbPath, spec.extension),
      medium && spec.mediumPath ? writeWith(medium, spec.mediumPath, spec.extension) : Promise.resolve(null),
    ]);
  };
}

/** Each derivative decoded from the file on its own (libvips streams it; no raw copy is held). */
function deriveFromFile(spec: DeriveSpec): () => Promise<[ProducedFile, ProducedFile | null]> {
  const { plan } = spec;
  const thumb = spec.encode(thumbResize(spec.still.clone(), spec.thumbSize));
  const medium = plan.mediumWidth !== null ? spec.encode(spec.still.clone().resize({ width: plan.mediumWidth })) : null;
  return () =>
    allSettledOrThrow<[ProducedFile, ProducedFile | null]>([
      writeWith(thumb, spec.thumbPath, spec.extension),
      medium && spec.mediumPath ? writeWith(medium, spec.mediumPath, spec.extension) : Promise.resolve(null),
    ]);
}

/** Decodes, checks and re-encodes one image upload; temp files go through job.temps. */
export async function processImage(job: ImageJob): Promise<ProcessedMedia> {
  const { options, temps } = job;
  const { limits } = options;
  let source = options.inputPath;

  if (job.format === 'bmp') {
    const header = readBmpHeader(await readFileHead(source, 64));
    if (!header) throw new AppError('UNDECODABLE', { detail: 'invalid BMP header' });
    checkPixelLimits(limits, header.width, header.height, 1);
    source = temps.create('png');
    await job.bmpToPng(options.inputPath, source);
  }
  const stored: StoredFormat = job.format === 'bmp' ? 'png' : job.format;
  const extension = stored === 'jpeg' ? (options.preferJpgExtension ? 'jpg' : 'jpeg') : stored;

  const meta = await readHeader(source, stored);
  const apngFrames = stored === 'png' ? await readApngFrameCount(source) : null;
  const isApng = apngFrames !== null;
  const frames = Math.max(1, isApng ? apngFrames : stored === 'gif' || stored === 'webp' ? (meta.pages ?? 1) : 1);
  checkPixelLimits(limits, meta.width, meta.height, frames);
  const isAnimated = isApng || frames > 1;

  const exifPromise = exifFormats.has(job.format) ? readExif(options.inputPath, options.keepMetadata) : Promise.resolve(noExif);
  const hints: EncodeHints = {
    lossless: stored === 'webp' && (await isLosslessWebp(source)),
    palette: stored === 'png' && meta.isPalette,
    pixels: meta.width * meta.height,
  };
  const common: SharpOptions = { failOn: FAIL_ON, autoOrient: true };
  const limit = (pipeline: Sharp): Sharp => pipeline.timeout({ seconds: job.timeoutSeconds });

  // Derivatives are static: the first frame of an animation, the oriented image otherwise.
  const still = limit(sharp(source, { ...common, limitInputPixels: limits.maxPixels, pages: 1 }));
  const orientedWidth = meta.autoOrient.width;
  // sharp only takes whole pixels; a fractional width from a client must not turn into "undecodable".
  const targetWidth = options.targetWidth === undefined ? 0 : Math.floor(options.targetWidth);
  const resize = !isAnimated && targetWidth > 0 && targetWidth < orientedWidth;

  // Every pipeline is built (which may throw on bad parameters) before any of them starts writing.
  const mainPath = temps.create(extension);
  let writeMain: () => Promise<ProducedFile>;
  if (isApng) {
    // libvips cannot write APNG: the chunks are rewritten instead (see rewritePng), after a full
    // check of their structure; the default image is decoded below for the derivatives.
    const bytes = rewritePng(await readFile(source), options.keepMetadata);
    const info = readPngInfo(bytes);
    writeMain = async () => {
      await writeFile(mainPath, bytes);
      return produced(mainPath, extension, { size: bytes.length, width: info.width, height: info.height });
    };
  } else {
    let main = isAnimated
      ? limit(sharp(source, { ...common, animated: true, limitInputPixels: limits.maxAnimationPixels }))
      : still.clone();
    if (resize) main = main.resize({ width: targetWidth });
    if (options.keepMetadata) main = main.keepMetadata();
    const mainPixels = resize ? targetWidth * Math.round((meta.autoOrient.height * targetWidth) / orientedWidth) : hints.pixels;
    const encoded = encodeAs(main, stored, { ...hints, pixels: mainPixels });
    writeMain = () => writeWith(encoded, mainPath, extension);
  }

  const mainWidth = resize ? targetWidth : orientedWidth;
  // Derivatives are at most the medium size: always small enough for optimised coding.
  const derivativeHints: EncodeHints = { lossless: hints.lossless, palette: false, pixels: 0 };
  const thumbPath = temps.create(extension);
  // SPEC-API §3.4: a medium when the stored image is wider than the medium size, and always for an
  // animation (its static preview), never upscaled.
  const wantsMedium = isAnimated || mainWidth > options.mediumSize;
  const mediumPath = wantsMedium ? temps.create(extension) : null;
  const plan = derivativePlan({
    width: orientedWidth,
    height: meta.autoOrient.height,
    thumbSize: options.thumbSize,
    mediumSize: Math.min(options.mediumSize, mainWidth),
    wantsMedium,
  });
  const derive: DeriveSpec = {
    still,
    plan,
    thumbSize: options.thumbSize,
    encode: (pipeline) => encodeAs(pipeline, stored, derivativeHints),
    limit,
    thumbPath,
    mediumPath,
    extension,
  };
  // Built now, like the other pipelines, so bad parameters throw before anything is written.
  const writeDerivatives = plan.decodeWidth * plan.decodeHeight <= SHARED_DECODE_MAX_PIXELS ? deriveFromOneDecode(derive) : deriveFromFile(derive);

  // The stored file is hashed as soon as it is written, while the derivatives are still being made.
  const [main, [thumb, medium], exif, sourceMd5] = await allSettledOrThrow<[ProducedFile & { md5: string }, [ProducedFile, ProducedFile | null], ExifSummary, string | null]>([
    writeMain().then(async (file) => ({ ...file, md5: await md5File(file.path) })),
    writeDerivatives(),
    exifPromise,
    resize ? md5File(options.inputPath) : Promise.resolve(null),
  ]);

  return {
    kind: 'image',
    sourceFormat: job.format,
    main,
    thumb,
    medium,
    frame: null,
    sourceMd5,
    isAnimated,
    is360: !isAnimated && isEquirectangular(meta.xmp),
    duration: 0,
    exif: exif.exif,
    exifDate: exif.date,
    exifTitle: exif.title,
    exifDescription: exif.description,
  };
}
