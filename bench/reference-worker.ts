/**
 * The "limit" of the ingest table: the media work of one upload done alone in a loop, with no HTTP,
 * no database, no hashing and no metadata reading, at a given concurrency. Run as a child process
 * so it has a fresh heap and thread pool, like the server:
 *
 *   tsx bench/reference-worker.ts <jpeg|png|mp4> <file> <amount> <concurrency> <workDir>
 *
 * Prints one JSON line: { seconds, latencies, cpuPerJob } (ms; CPU of this process and its children).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { resolveFfmpegPaths } from '../src/media/ffmpeg-paths.js';
import { runProcess } from '../src/media/process-runner.js';
import { configureSharp } from '../src/media/sharp-settings.js';
import { derivativePlan } from '../src/media/derivatives.js';
import { jpegOptionsFor } from '../src/media/jpeg-options.js';

const [kind, file, amountText, concurrencyText, workDir] = process.argv.slice(2);
if (!kind || !file || !amountText || !concurrencyText || !workDir) throw new Error('usage: reference-worker <jpeg|png|mp4> <file> <amount> <concurrency> <workDir>');
const amount = Number(amountText);
const concurrency = Number(concurrencyText);
const THUMB = 320;
const MEDIUM = 500;

// The same libvips settings as the server's pipeline (cache off, threads from the core count).
configureSharp(concurrency);

let counter = 0;
const out = (ext: string) => path.join(workDir, `ref-${process.pid}-${counter++}.${ext}`);

/** `pixels`: of the image written, which decides the JPEG coding as in the server (jpegOptionsFor). */
type Encode = (s: Sharp, pixels: number) => Sharp;
const encoders: Record<string, Encode> = {
  jpeg: (s, pixels) => s.jpeg(jpegOptionsFor(pixels)),
  png: (s) => s.png({ compressionLevel: 6 }),
};

/** Decode, orient, encode the stored image; thumb and medium from one shrink-on-load decode. */
async function imageJob(encode: Encode, ext: string): Promise<void> {
  const meta = await sharp(file).metadata();
  const still = sharp(file, { failOn: 'error', autoOrient: true, pages: 1 });
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const plan = derivativePlan({ width, height, thumbSize: THUMB, mediumSize: MEDIUM, wantsMedium: width > MEDIUM });
  const files = [out(ext), out(ext), out(ext)];
  const derived = async () => {
    const { data, info } = await still.clone().resize(plan.decodeWidth, plan.decodeHeight).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    await Promise.all([
      encode(sharp(data, raw).resize(THUMB, THUMB, { fit: 'cover', position: 'centre' }), 0).toFile(files[1] as string),
      plan.mediumWidth === null ? Promise.resolve() : encode(sharp(data, raw).resize({ width: plan.mediumWidth }), 0).toFile(files[2] as string),
    ]);
  };
  await Promise.all([encode(still.clone(), width * height).toFile(files[0] as string), derived()]);
  await Promise.all(files.map((f) => rm(f, { force: true })));
}

const ff = resolveFfmpegPaths({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });

/** ffprobe, then one frame at a quarter of the duration, as the video pipeline runs them. */
async function videoJob(): Promise<void> {
  const probe = await runProcess(ff.ffprobePath, ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', `file:${path.resolve(file as string)}`], { timeoutMs: 60_000 });
  if (probe.code !== 0) throw new Error(`ffprobe failed: ${probe.stderr}`);
  const duration = Number((JSON.parse(probe.stdout) as { format: { duration: string } }).format.duration);
  const frame = out('jpeg');
  const result = await runProcess(
    ff.ffmpegPath,
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-ss', String(Math.floor(duration / 4)), '-i', `file:${path.resolve(file as string)}`,
      '-map', '0:0', '-frames:v', '1', '-an', '-sn', '-dn', '-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2', '-y', `file:${frame}`],
    { timeoutMs: 60_000, maxOutputBytes: 64 * 1024 },
  );
  if (result.code !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  await rm(frame, { force: true });
}

const job = kind === 'mp4' ? videoJob : () => imageJob(encoders[kind] ?? encoders.jpeg!, kind === 'png' ? 'png' : 'jpeg');

/** CPU time of this process and its finished children (ffmpeg, ffprobe), in ms, from /proc. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return (ticks * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

const latencies: number[] = [];
let next = 0;
const cpuBefore = cpuMs();
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < amount) {
      next += 1;
      const t0 = performance.now();
      await job();
      latencies.push(performance.now() - t0);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpuPerJob = (cpuMs() - cpuBefore) / amount;
process.stdout.write(`${JSON.stringify({ seconds, latencies, cpuPerJob })}\n`);
