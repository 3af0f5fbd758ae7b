import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const cores = availableParallelism();

describe('PINHOLE_WORKERS and the media work each process takes', () => {
  it('serves from one process by default, with all the cores and one job per core', () => {
    const config = loadConfig({});
    expect(config.workers).toBe(1);
    expect(config.mediaConcurrency).toBe(cores);
    expect(config.mediaCores).toBe(cores);
  });

  it('takes a number or auto (one worker per core)', () => {
    expect(loadConfig({ PINHOLE_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ PINHOLE_WORKERS: 'auto' }).workers).toBe(cores);
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['0', '65', '1.5', 'many']) {
      expect(() => loadConfig({ PINHOLE_WORKERS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ PINHOLE_WORKERS: value })).toThrow(/PINHOLE_WORKERS/);
    }
  });

  it('shares the site’s media jobs and cores out between the workers', () => {
    const config = loadConfig({ PINHOLE_WORKERS: '2', PINHOLE_MEDIA_CONCURRENCY: '5' });
    expect(config.mediaConcurrency).toBe(3);
    expect(config.mediaCores).toBe(Math.max(1, Math.floor(cores / 2)));
    // More workers than jobs or cores still leaves each one job and one thread.
    const many = loadConfig({ PINHOLE_WORKERS: '64', PINHOLE_MEDIA_CONCURRENCY: '2' });
    expect(many.mediaConcurrency).toBe(1);
    expect(many.mediaCores).toBe(1);
  });
});
