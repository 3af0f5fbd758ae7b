/**
 * Does a search that reads a whole large table stall the rest of the server? Seeds 1,000,000
 * images into a fresh SQLite data directory (as the metadata section does), starts the built
 * server, runs 8 searches that match nothing (each one reads every row) one after the other, and
 * meanwhile asks `/healthz` every 5 ms. Prints the searches' times and the health checks' latency.
 *
 *   npm run build && npx tsx bench/search-stall.ts
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedSqlite } from './metadata.js';
import { startPinhole } from './lib/server.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tmp', 'search-stall');
const env = { PINHOLE_ID_SALT: 'bench-salt' };
await rm(dir, { recursive: true, force: true });
const first = await startPinhole({ dataDir: dir, env });
await first.stop();
seedSqlite(path.join(dir, 'pinhole.db'), 1_000_000, 1000);
const server = await startPinhole({ dataDir: dir, env });
try {
  let searching = true;
  const searches = (async () => {
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      const res = await fetch(`${server.url}/search?q=${encodeURIComponent(`nothing like ${i}`)}`);
      await res.text();
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
      times.push(performance.now() - started);
    }
    searching = false;
    return times;
  })();
  const pings: number[] = [];
  while (searching) {
    const started = performance.now();
    await (await fetch(`${server.url}/healthz`)).text();
    pings.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const times = await searches;
  pings.sort((a, b) => a - b);
  const at = (q: number) => pings[Math.min(pings.length - 1, Math.floor(q * pings.length))]!.toFixed(1);
  console.log(`searches (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`/healthz meanwhile: ${pings.length} answers, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${pings.at(-1)!.toFixed(1)} ms`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
