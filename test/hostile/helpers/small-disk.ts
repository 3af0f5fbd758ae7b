import { execFile } from 'node:child_process';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A small tmpfs mounted for a test (root only, as on CI). Where mounting is impossible the caller
 * skips with a warning, except under CI=true, where the test must fail instead of passing silently.
 */
export class SmallDisk {
  private constructor(readonly dir: string) {}

  static async mount(dir: string, size: string): Promise<SmallDisk | null> {
    await mkdir(dir, { recursive: true });
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
      return new SmallDisk(dir);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (process.env.CI === 'true') throw new Error(`cannot mount a ${size} tmpfs at ${dir} (required on CI): ${reason}`);
      console.warn(`cannot mount a tmpfs at ${dir} (${reason}); skipping the full-disk tests`);
      return null;
    }
  }

  async freeBytes(): Promise<number> {
    const s = await statfs(this.dir);
    return s.bavail * s.bsize;
  }

  private filler(n: number): string {
    return path.join(this.dir, `filler-${n}`);
  }

  private fillers = 0;

  /** Writes filler files until about `leaveBytes` remain free. */
  async fillLeaving(leaveBytes: number): Promise<void> {
    const { bsize } = await statfs(this.dir);
    const take = Math.floor(((await this.freeBytes()) - leaveBytes) / bsize) * bsize;
    if (take > 0) await writeFile(this.filler(this.fillers++), Buffer.alloc(take, 0x5a));
  }

  /** Removes every filler: the space returns. */
  async drain(): Promise<void> {
    for (let i = 0; i < this.fillers; i += 1) await rm(this.filler(i), { force: true });
    this.fillers = 0;
  }

  async unmount(): Promise<void> {
    await run('umount', ['-l', this.dir]).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
