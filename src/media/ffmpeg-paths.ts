import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface FfmpegPaths {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
}

export interface FfmpegPathOverrides {
  readonly ffmpegPath?: string | undefined;
  readonly ffprobePath?: string | undefined;
}

function isExecutableFile(candidate: string): boolean {
  try {
    if (!statSync(candidate).isFile()) return false;
    accessSync(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks `name` up in the PATH directories the way a shell would, without running a shell. */
export function findOnPath(name: string, envPath: string = process.env.PATH ?? ''): string | null {
  const suffixes = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of envPath.split(path.delimiter)) {
    // An empty PATH entry means the working directory; never pick a binary from there.
    if (dir === '' || !path.isAbsolute(dir)) continue;
    for (const suffix of suffixes) {
      const candidate = path.join(dir, name + suffix);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function fromInstallerPackage(packageName: string): string | null {
  try {
    const loaded: unknown = createRequire(import.meta.url)(packageName);
    if (loaded && typeof loaded === 'object' && 'path' in loaded && typeof loaded.path === 'string') {
      return isExecutableFile(loaded.path) ? loaded.path : null;
    }
  } catch {
    // The installer packages carry one optional dependency per platform; ours may be missing.
  }
  return null;
}

function resolveOne(name: 'ffmpeg' | 'ffprobe', override: string | undefined, packageName: string): string {
  if (override !== undefined && override !== '') return override;
  const found = findOnPath(name) ?? fromInstallerPackage(packageName);
  if (found === null) {
    throw new Error(`${name} not found: set ${name.toUpperCase()}_PATH, put ${name} on PATH or install ${packageName}`);
  }
  return found;
}

/** Explicit paths win, then a system install on PATH (usually newer), then the bundled npm binaries. */
export function resolveFfmpegPaths(overrides: FfmpegPathOverrides = {}): FfmpegPaths {
  return {
    ffmpegPath: resolveOne('ffmpeg', overrides.ffmpegPath, '@ffmpeg-installer/ffmpeg'),
    ffprobePath: resolveOne('ffprobe', overrides.ffprobePath, '@ffprobe-installer/ffprobe'),
  };
}
