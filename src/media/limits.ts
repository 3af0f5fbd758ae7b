import { AppError } from '../errors/app-error.js';
import type { MediaLimits } from '../ports/media.js';

function trimNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

function megapixels(pixels: number): string {
  return `${trimNumber(pixels / 1_000_000)} megapixels`;
}

function duration(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${trimNumber(seconds)} second${seconds === 1 ? '' : 's'}`;
}

/** Checked from header values only, before any pixel is decoded. */
export function checkPixelLimits(limits: MediaLimits, width: number, height: number, frames: number): void {
  if (width * height > limits.maxPixels) {
    throw new AppError('TOO_MANY_PIXELS', { detail: `max ${megapixels(limits.maxPixels)}` });
  }
  if (frames > limits.maxFrames) {
    throw new AppError('TOO_MANY_FRAMES', { detail: `max ${limits.maxFrames} frames` });
  }
  if (frames > 1 && width * height * frames > limits.maxAnimationPixels) {
    throw new AppError('TOO_MANY_PIXELS', { detail: `max ${megapixels(limits.maxAnimationPixels)} across all frames` });
  }
}

export function checkVideoDuration(limits: MediaLimits, seconds: number): void {
  if (seconds > limits.maxVideoSeconds) {
    throw new AppError('VIDEO_TOO_LONG', { detail: `max ${duration(limits.maxVideoSeconds)}` });
  }
}
