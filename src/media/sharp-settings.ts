import { availableParallelism } from 'node:os';
import sharp from 'sharp';

/**
 * libvips worker threads per image pipeline. Pinhole already runs `jobs` uploads at once and each
 * upload runs its stored image and its derivatives side by side, so the cores are shared out between
 * jobs instead of every pipeline asking for all of them (which only adds contention and memory).
 */
export function sharpThreadsFor(jobs: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, Math.floor(jobs))));
}

/**
 * Process-wide sharp settings, applied by the media pipeline when it is created: no operation cache
 * (each upload is a different file, the cache would only hold memory) and threads from the core count.
 */
export function configureSharp(jobs: number, cores: number = availableParallelism()): void {
  sharp.cache(false);
  sharp.concurrency(sharpThreadsFor(jobs, cores));
}
