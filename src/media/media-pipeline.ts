import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors/app-error.js';
import type {
  DetectedType,
  MediaFormat,
  MediaPipeline,
  ProcessOptions,
  ProcessedMedia,
  VideoFormat,
} from '../ports/media.js';
import { detectMediaType } from './detect.js';
import { asMediaError } from './failure.js';
import { processImage } from './image.processor.js';
import { runProcess } from './process-runner.js';
import { configureSharp } from './sharp-settings.js';
import { Semaphore } from './semaphore.js';
import { TempFiles } from './temp-files.js';
import { processVideo } from './video.processor.js';

export interface SharpFfmpegPipelineOptions {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  /** Uploads processed at once; the rest wait their turn. */
  readonly concurrency: number;
  /** Cores libvips threads are shared out from (default: all of this machine's). */
  readonly cores?: number;
  /** Upper bound for each ffmpeg/ffprobe run and each sharp pipeline (default 60 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function isVideoFormat(format: MediaFormat): format is VideoFormat {
  return format === 'mp4' || format === 'mov' || format === 'webm';
}

/** The MediaPipeline of SPEC-API A6/A10–A12: sharp (libvips) for images, ffmpeg/ffprobe for video and BMP. */
export class SharpFfmpegPipeline implements MediaPipeline {
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;

  constructor(private readonly settings: SharpFfmpegPipelineOptions) {
    this.semaphore = new Semaphore(Math.max(1, Math.floor(settings.concurrency)));
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // No libvips operation cache (each upload is a different file), threads shared out between jobs.
    configureSharp(Math.max(1, Math.floor(settings.concurrency)), settings.cores);
  }

  detect(file: string): Promise<DetectedType | null> {
    return detectMediaType(file);
  }

  process(options: ProcessOptions): Promise<ProcessedMedia> {
    return this.semaphore.run(() => this.processNow(options));
  }

  private async processNow(options: ProcessOptions): Promise<ProcessedMedia> {
    const detected = options.detected ?? (await detectMediaType(options.inputPath));
    if (!detected) throw new AppError('UNSUPPORTED_TYPE');
    const temps = new TempFiles(options.workDir);
    try {
      const result = await this.dispatch(detected.format, options, temps);
      const kept = [result.main.path, result.thumb.path, result.medium?.path, result.frame?.path];
      await temps.removeAllExcept(kept.filter((file): file is string => file !== undefined));
      return result;
    } catch (error) {
      // Decoders report a failed write in their own words ("unable to write", "Error writing…"), not
      // as ENOSPC; a nearly full work folder at the moment of failure is the better explanation.
      const full = await nearlyFull(options.workDir, options.inputPath);
      await temps.removeAll();
      const mapped = asMediaError(error);
      throw full && mapped.code === 'UNDECODABLE' ? new AppError('STORAGE_FULL', { cause: error }) : mapped;
    }
  }

  private dispatch(format: MediaFormat, options: ProcessOptions, temps: TempFiles): Promise<ProcessedMedia> {
    if (isVideoFormat(format)) {
      return processVideo({
        options,
        format,
        temps,
        ffmpegPath: this.settings.ffmpegPath,
        ffprobePath: this.settings.ffprobePath,
        timeoutMs: this.timeoutMs,
      });
    }
    return processImage({
      options,
      format,
      temps,
      bmpToPng: (input, output) => this.bmpToPng(input, output),
      timeoutSeconds: Math.ceil(this.timeoutMs / 1000),
    });
  }

  private async bmpToPng(input: string, output: string): Promise<void> {
    const result = await runProcess(
      this.settings.ffmpegPath,
      [
        '-nostdin', '-hide_banner', '-loglevel', 'error',
        '-f', 'bmp_pipe', '-i', `file:${path.resolve(input)}`,
        '-frames:v', '1', '-c:v', 'png', '-f', 'image2', '-y', `file:${path.resolve(output)}`,
      ],
      { timeoutMs: this.timeoutMs, maxOutputBytes: 64 * 1024 },
    );
    if (result.code !== 0) {
      throw new AppError('UNDECODABLE', { cause: new Error(`ffmpeg could not decode the BMP: ${result.stderr.slice(0, 500)}`) });
    }
  }
}

/** True when the work folder has less room left than the upload itself (or 1 MiB). */
async function nearlyFull(workDir: string, inputPath: string): Promise<boolean> {
  try {
    const [fs, input] = await Promise.all([statfs(workDir), stat(inputPath)]);
    return fs.bavail * fs.bsize < Math.max(1024 * 1024, input.size);
  } catch {
    return false;
  }
}
