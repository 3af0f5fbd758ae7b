import { isAppError } from '../errors/app-error.js';
import type { MediaPipeline, ProcessedMedia, ProcessOptions } from '../ports/media.js';
import type { Principal } from '../services/account.service.js';
import { UploadService, type UploadResult, type UploadServiceDeps } from '../services/upload.service.js';
import type { PinholeMetrics } from './metrics.js';

function outcomeOf(error: unknown): string {
  return isAppError(error) ? error.code.toLowerCase() : 'error';
}

/** The media pipeline, timed: each processed upload is one observation by media type. */
export function measuredPipeline(inner: MediaPipeline, metrics: PinholeMetrics): MediaPipeline {
  return {
    detect: (path) => inner.detect(path),
    async process(options: ProcessOptions): Promise<ProcessedMedia> {
      const started = process.hrtime.bigint();
      const result = await inner.process(options);
      metrics.processing(result.kind, Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    },
  };
}

/** The upload service, counted: outcome by media type, bytes stored, and refusals by flood limits. */
export class MeasuredUploadService extends UploadService {
  constructor(
    deps: UploadServiceDeps,
    private readonly metrics: PinholeMetrics,
  ) {
    super(deps);
  }

  override async checkFlood(principal: Principal, ip: string): Promise<void> {
    try {
      await super.checkFlood(principal, ip);
    } catch (error) {
      this.metrics.upload('unknown', outcomeOf(error));
      throw error;
    }
  }

  override async upload(input: Parameters<UploadService['upload']>[0]): Promise<UploadResult> {
    let result: UploadResult;
    try {
      result = await super.upload(input);
    } catch (error) {
      this.metrics.upload('unknown', outcomeOf(error));
      throw error;
    }
    const stored = result.reused ? 0 : result.image.files.reduce((sum, file) => sum + file.size, 0);
    this.metrics.upload(result.image.kind, result.reused ? 'reused' : 'success', stored);
    return result;
  }
}
