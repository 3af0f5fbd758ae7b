import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { resolveFfmpegPaths } from '../../src/media/ffmpeg-paths.js';
import { runProcess } from '../../src/media/process-runner.js';

/** One file the bench uploads, with what the multipart part says about it. */
export interface BenchMedia {
  readonly name: string;
  readonly path: string;
  readonly filename: string;
  readonly type: string;
  readonly bytes: number;
  readonly description: string;
}

/** A deterministic "photo": gradients, ripples and grain, so JPEG has as much work as with a camera file. */
function photoPixels(width: number, height: number, seed: number, grainLevel: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let state = seed >>> 0;
  let i = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const grain = (state >>> 24) % grainLevel;
      const ripple = Math.sin((x + y) / 37) * 30 + Math.cos(x / 53 - y / 71) * 25 + Math.sin(x / 7) * 6;
      data[i++] = Math.max(0, Math.min(255, (x / width) * 200 + ripple + grain));
      data[i++] = Math.max(0, Math.min(255, (y / height) * 200 - ripple + grain));
      data[i++] = Math.max(0, Math.min(255, 128 + ripple + grain - (x / width) * 60));
    }
  }
  return data;
}

function photo(width: number, height: number, seed: number, grainLevel: number): Sharp {
  return sharp(photoPixels(width, height, seed, grainLevel), { raw: { width, height, channels: 3 } });
}

/** Camera-like EXIF, so the metadata reader and the stripping have their usual work. */
const cameraExif = {
  IFD0: { Make: 'Pinhole Bench', Model: 'Synthetic 1', Software: 'bench', DateTime: '2024:05:01 12:00:00' },
  IFD2: { DateTimeOriginal: '2024:05:01 12:00:00', ExposureTime: '1/125', FNumber: '28/10' },
};

/** A 1920×1080 screenshot-like PNG: flat panels, thin rules, "text" rows, one gradient. */
function screenshotSvg(width: number, height: number): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  parts.push(`<rect width="${width}" height="${height}" fill="#f3f4f6"/>`);
  parts.push(`<rect width="${width}" height="48" fill="#1f2937"/>`);
  parts.push(`<rect y="48" width="260" height="${height - 48}" fill="#e5e7eb"/>`);
  parts.push('<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#60a5fa"/><stop offset="1" stop-color="#a78bfa"/></linearGradient></defs>');
  parts.push(`<rect x="300" y="90" width="${width - 340}" height="180" rx="12" fill="url(#g)"/>`);
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let row = 0; row < 60; row += 1) {
    const y = 300 + row * 12;
    if (y > height - 20) break;
    let x = 300;
    while (x < width - 60) {
      const w = 8 + (next() % 70);
      parts.push(`<rect x="${x}" y="${y}" width="${w}" height="7" fill="#${(0x334155 + (next() % 0x111111)).toString(16).slice(0, 6)}"/>`);
      x += w + 6;
    }
  }
  for (let item = 0; item < 30; item += 1) {
    parts.push(`<rect x="20" y="${70 + item * 28}" width="${120 + (next() % 100)}" height="10" fill="#6b7280"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  const { ffmpegPath } = resolveFfmpegPaths({ ffmpegPath: process.env.FFMPEG_PATH });
  const result = await runProcess(ffmpegPath, ['-nostdin', '-hide_banner', '-loglevel', 'error', ...args, '-y'], { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
}

interface Spec {
  readonly filename: string;
  readonly type: string;
  readonly description: string;
  readonly make: (out: string) => Promise<unknown>;
}

const specs = {
  jpeg2mp: {
    filename: 'photo-2mp.jpg',
    type: 'image/jpeg',
    description: '2 MP JPEG photo (1920×1080, q95, EXIF)',
    make: (out) => photo(1920, 1080, 11, 40).withExif(cameraExif).jpeg({ quality: 95 }).toFile(out),
  },
  jpeg12mp: {
    filename: 'photo-12mp.jpg',
    type: 'image/jpeg',
    description: '12 MP JPEG photo (4000×3000, q85, EXIF)',
    make: (out) => photo(4000, 3000, 12, 24).withExif(cameraExif).jpeg({ quality: 85 }).toFile(out),
  },
  png: {
    filename: 'screenshot.png',
    type: 'image/png',
    description: 'PNG screenshot (1920×1080, RGB)',
    // A page with a picture in it, as most screenshots are: flat UI plus one photographic region.
    make: async (out) => {
      const inset = await photo(640, 400, 15, 24).png().toBuffer();
      return sharp(Buffer.from(screenshotSvg(1920, 1080)))
        .composite([{ input: inset, left: 1220, top: 320 }])
        .removeAlpha()
        .png({ compressionLevel: 9 })
        .toFile(out);
    },
  },
  mp4: {
    filename: 'clip-3s.mp4',
    type: 'video/mp4',
    description: '3 s MP4 clip (1280×720, H.264, 30 fps)',
    make: (out) =>
      ffmpeg([
        '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '3',
        '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', `file:${out}`,
      ]),
  },
  big5mb: {
    filename: 'photo-5mb.jpg',
    type: 'image/jpeg',
    description: '~4.8 MB JPEG (4000×3000, q93), just under the 5 MB default limit',
    make: (out) => photo(4000, 3000, 13, 30).jpeg({ quality: 93 }).toFile(out),
  },
  tiny: {
    filename: 'tiny.jpg',
    type: 'image/jpeg',
    description: 'tiny JPEG (64×48)',
    make: (out) => photo(64, 48, 14, 20).jpeg({ quality: 90 }).toFile(out),
  },
} satisfies Record<string, Spec>;

export type MediaName = keyof typeof specs;

/** Generates what is missing into `dir` (kept between runs) and describes every file. */
export async function benchMedia(dir: string): Promise<Record<MediaName, BenchMedia>> {
  await mkdir(dir, { recursive: true });
  const out: Record<string, BenchMedia> = {};
  for (const [name, spec] of Object.entries(specs) as Array<[string, Spec]>) {
    const file = path.join(dir, spec.filename);
    if (!existsSync(file)) {
      const partial = `${file}.part${path.extname(file)}`;
      await spec.make(partial);
      await rename(partial, file);
    }
    const bytes = (await stat(file)).size;
    out[name] = { name, path: file, filename: spec.filename, type: spec.type, bytes, description: spec.description };
  }
  if ((out.big5mb?.bytes ?? 0) > 5_000_000) throw new Error(`photo-5mb.jpg is ${out.big5mb?.bytes} bytes, over the 5 MB default limit`);
  return out as Record<MediaName, BenchMedia>;
}
