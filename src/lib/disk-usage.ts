import { statfs } from 'node:fs/promises';

export interface DiskUsage {
  readonly total: number;
  /** Space an unprivileged process may still use. */
  readonly free: number;
  readonly used: number;
}

/** Space of the file system holding `dir`; null where the platform cannot tell. */
export async function diskUsage(dir: string): Promise<DiskUsage | null> {
  try {
    const s = await statfs(dir);
    const total = s.blocks * s.bsize;
    return { total, free: s.bavail * s.bsize, used: total - s.bfree * s.bsize };
  } catch {
    return null;
  }
}
