import { constants } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors/app-error.js';
import type { ProcessOptions, ProcessedMedia, ProducedFile, VideoFormat } from '../ports/media.js';
import { md5File } from './hash.js';
import { checkPixelLimits, checkVideoDuration } from './limits.js';
import { mimeForExtension } from './mime.js';
import { runProcess } from './process-runner.js';
import { allSettledOrThrow } from './settle.js';
import type { TempFiles } from './temp-files.js';

export interface VideoJob {
  readonly options: ProcessOptions;
  readonly format: VideoFormat;
  readonly temps: TempFiles;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly timeoutMs: number;
}

export interface VideoProbe {
  /** Display size: rotation metadata already applied. */
  readonly width: number;
  readonly height: number;
  readonly duration: number;
  readonly streamIndex: number;
  readonly formatNames: readonly string[];
}

/** ffprobe's format_name lists every name of the demuxer it used. */
const containerNames: Record<VideoFormat, readonly string[]> = {
  mp4: ['mp4', 'mov'],
  mov: ['mov', 'mp4'],
  webm: ['webm', 'matroska'],
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/**
 * ffmpeg treats an argument such as `concat:a|b` or `http://…` as a protocol URL; the `file:` prefix
 * pins it to a local path, whatever the name looks like.
 */
function fileArg(file: string): string {
  return `file:${path.resolve(file)}`;
}

/** Rotation in degrees from the display matrix (newer ffprobe) or the legacy `rotate` tag. */
function rotationOf(stream: Record<string, unknown>): number {
  const sideData = Array.isArray(stream.side_data_list) ? stream.side_data_list : [];
  for (const entry of sideData) {
    const rotation = num(record(entry).rotation);
    if (Number.isFinite(rotation)) return rotation;
  }
  const tagged = num(record(stream.tags).rotate);
  return Number.isFinite(tagged) ? tagged : 0;
}

/** Reads ffprobe's JSON into what the pipeline needs; throws the catalogue errors of SPEC-API §3.5. */
export function parseProbe(json: unknown, format: VideoFormat): VideoProbe {
  const root = record(json);
  const container = record(root.format);
  const formatNames = typeof container.format_name === 'string' ? container.format_name.split(',') : [];
  if (!formatNames.some((name) => containerNames[format].includes(name))) {
    throw new AppError('UNDECODABLE', { detail: 'the file content does not match its type' });
  }
  const streams = Array.isArray(root.streams) ? root.streams.map(record) : [];
  // Cover art in MP4/MOV is a "video" stream too; it is not the video.
  const video = streams.find((s) => s.codec_type === 'video' && num(record(s.disposition).attached_pic) !== 1);
  if (!video) throw new AppError('INVALID_VIDEO', { detail: 'no video stream' });
  let width = num(video.width);
  let height = num(video.height);
  if (!(width > 0) || !(height > 0)) throw new AppError('INVALID_VIDEO', { detail: 'no video dimensions' });
  if (Math.abs(Math.round(rotationOf(video))) % 180 === 90) [width, height] = [height, width];
  let duration = num(container.duration);
  if (!Number.isFinite(duration)) duration = num(video.duration);
  if (!(duration > 0) || !Number.isFinite(duration)) throw new AppError('INVALID_VIDEO', { detail: 'no duration' });
  const streamIndex = num(video.index);
  return { width, height, duration, streamIndex: Number.isInteger(streamIndex) ? streamIndex : 0, formatNames };
}

async function probe(job: VideoJob): Promise<VideoProbe> {
  const result = await runProcess(
    job.ffprobePath,
    ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', fileArg(job.options.inputPath)],
    { timeoutMs: job.timeoutMs },
  );
  if (result.code !== 0 || result.timedOut || result.stdoutTruncated) {
    throw new AppError('UNDECODABLE', { cause: new Error(`ffprobe failed (${result.code ?? result.signal}): ${result.stderr.slice(0, 500)}`) });
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    throw new AppError('UNDECODABLE', { cause: error });
  }
  return parseProbe(json, job.format);
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

/** Writes one JPEG frame at `seconds`; input seeking (-ss before -i) keeps long videos cheap. */
async function extractFrame(job: VideoJob, streamIndex: number, seconds: number, output: string): Promise<boolean> {
  const result = await runProcess(
    job.ffmpegPath,
    [
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-ss', String(seconds), '-i', fileArg(job.options.inputPath),
      '-map', `0:${streamIndex}`, '-frames:v', '1', '-an', '-sn', '-dn',
      '-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2', '-y', fileArg(output),
    ],
    { timeoutMs: job.timeoutMs, maxOutputBytes: 64 * 1024 },
  );
  if (result.timedOut) throw new AppError('UNDECODABLE', { detail: 'video frame extraction timed out' });
  return result.code === 0 && (await nonEmpty(output));
}

async function writeJpeg(pipeline: Sharp, file: string): Promise<ProducedFile> {
  const info = await pipeline.jpeg({ quality: 90, mozjpeg: false }).toFile(file);
  return { path: file, extension: 'jpeg', mime: 'image/jpeg', size: info.size, width: info.width, height: info.height };
}

/** Probes, checks and derives the files of one video upload (SPEC-API §3.5); the video itself is kept as sent. */
export async function processVideo(job: VideoJob): Promise<ProcessedMedia> {
  const { options, temps } = job;
  const info = await probe(job);
  checkVideoDuration(options.limits, info.duration);
  checkPixelLimits(options.limits, info.width, info.height, 1);

  const framePath = temps.create('jpeg');
  const at = Math.floor(info.duration / 4);
  // Some files cannot seek (no index, odd edit lists): the first frame is better than no upload.
  const extracted =
    (await extractFrame(job, info.streamIndex, at, framePath)) ||
    (at > 0 && (await extractFrame(job, info.streamIndex, 0, framePath)));
  if (!extracted) throw new AppError('UNDECODABLE', { detail: 'no video frame could be decoded' });

  const frameMeta = await sharp(framePath, { limitInputPixels: false }).metadata();
  const frameStat = await stat(framePath);
  const frame: ProducedFile = {
    path: framePath,
    extension: 'jpeg',
    mime: 'image/jpeg',
    size: frameStat.size,
    width: frameMeta.autoOrient.width,
    height: frameMeta.autoOrient.height,
  };

  const source = sharp(framePath, { failOn: 'error', autoOrient: true, limitInputPixels: options.limits.maxPixels });
  const thumbPipeline = source.clone().resize(options.thumbSize, options.thumbSize, { fit: 'cover', position: 'centre' });
  const mediumPipeline = frame.width > options.mediumSize ? source.clone().resize({ width: options.mediumSize }) : null;
  const mainPath = temps.create(job.format);
  const thumbPath = temps.create('jpeg');
  const mediumPath = mediumPipeline ? temps.create('jpeg') : null;

  const [, thumb, medium] = await allSettledOrThrow<[void, ProducedFile, ProducedFile | null]>([
    // Reflink where the file system can, a plain copy otherwise; the caller keeps its own input file.
    copyFile(options.inputPath, mainPath, constants.COPYFILE_FICLONE),
    writeJpeg(thumbPipeline, thumbPath),
    mediumPipeline && mediumPath ? writeJpeg(mediumPipeline, mediumPath) : Promise.resolve(null),
  ]);
  const [md5, mainStat] = await Promise.all([md5File(mainPath), stat(mainPath)]);

  return {
    kind: 'video',
    sourceFormat: job.format,
    main: {
      path: mainPath,
      extension: job.format,
      mime: mimeForExtension(job.format),
      size: mainStat.size,
      width: info.width,
      height: info.height,
      md5,
    },
    thumb,
    medium,
    frame,
    sourceMd5: null,
    isAnimated: false,
    is360: false,
    duration: info.duration,
    exif: null,
    exifDate: null,
    exifTitle: null,
    exifDescription: null,
  };
}
