import { startTestServer, type TestServer } from '../../helpers/app.js';
import type { ApiAnswer } from '../../helpers/upload.js';
import type { Observed } from './outcome.js';
import { postMultipart, type RawPart } from './raw-http.js';

/** Hostile tests send far more than 50 uploads a minute from one address; flood limits are not under test here. */
export const HOSTILE_ENV: Readonly<Record<string, string>> = { PINHOLE_FLOOD_PROTECTION: 'false' };

export function startHostileServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<TestServer> {
  return startTestServer({ ...HOSTILE_ENV, ...env }, options);
}

export function observe(server: TestServer): Observed {
  return { dataDir: server.dataDir, countRows: () => server.c.db.images.count() };
}

export function aliceHeaders(server: TestServer): Record<string, string> {
  return { 'x-api-key': server.aliceKey };
}

/** Uploads `bytes` as the `source` part, as alice. */
export function uploadBytes(server: TestServer, bytes: Buffer, filename: string | Buffer = 'upload.bin', extra: RawPart[] = []): Promise<ApiAnswer> {
  return postMultipart(server.url, [...extra, { name: 'source', filename, contentType: 'application/octet-stream', body: bytes }], aliceHeaders(server));
}

/** Resolves when `check` holds, polling until `deadlineMs`; rejects with `what` otherwise. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, deadlineMs = 10_000, everyMs = 25): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200 && (await res.text()).includes('ok');
  } catch {
    return false;
  }
}
