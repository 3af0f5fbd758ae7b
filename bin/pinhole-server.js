#!/usr/bin/env node
// `npm start`: the server (dist/main.js) with glibc's allocator set for image work.
//
// libvips decodes and encodes in several threads; glibc gives threads malloc arenas of their own and
// keeps what they free, so after bursts of large uploads resident memory stays far above what is in
// use. Two arenas, and large blocks (64 KiB and up) taken from the system and given back when freed,
// bring the peak during 32 concurrent 5 MB uploads from ~600 MiB to ~335 MiB for ~8 % more CPU per
// upload (BENCHMARKS.md). glibc reads these settings only when a process starts, so when
// MALLOC_ARENA_MAX is unset this starts the server again as a child with them set, passes signals on
// and exits with its status. Set MALLOC_ARENA_MAX yourself (any value) to run the server in this
// process with your environment as it is; other platforms and C libraries run it directly too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALLOCATOR_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' };

const glibc = process.platform === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);

if (!glibc || process.env.MALLOC_ARENA_MAX !== undefined) {
  await import('../dist/main.js');
} else {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...ALLOCATOR_ENV },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Die of the same signal, as the server did.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
