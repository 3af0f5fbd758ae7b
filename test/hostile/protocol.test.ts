/**
 * Issue 4, item 3: protocol abuse. Slow heads and bodies are cut off (PINHOLE_HEADERS_TIMEOUT_MS,
 * PINHOLE_REQUEST_TIMEOUT_MS, short here) while other clients are served; oversized heads get 431;
 * floods of form fields and extra sources get a clear 4xx; a client that hangs up mid-upload leaves
 * no temp file; the same file uploaded 50 times at once is stored 50 times (or reused) and serves.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import { recordFigures } from './helpers/figures.js';
import { acceptedProblems, footprintOf, isEnvelope, outcomeProblems, settledFootprint } from './helpers/outcome.js';
import { multipartBody, postMultipart, RawClient, toAnswer, uploadHead } from './helpers/raw-http.js';
import { aliceHeaders, eventually, healthy, observe, startHostileServer, uploadBytes } from './helpers/servers.js';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
/** Node checks its timeouts every quarter of the shorter one; allow that, plus a loaded machine. */
const SLACK_MS = 5_000;

let server: TestServer;
let picture: Buffer;
const figures: Record<string, unknown> = { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS };

beforeAll(async () => {
  await generateHostileFixtures();
  picture = await readFile(hostilePath('seed.jpg'));
  server = await startHostileServer({ PINHOLE_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), PINHOLE_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
});
afterAll(async () => {
  await server?.stop();
  await recordFigures('protocol', figures);
});

const host = () => new URL(server.url).host;

/** An upload and a health check, timed: what an honest client sees while the abuse goes on. */
async function honestClientLatency(): Promise<number> {
  const t0 = Date.now();
  const [a, ok] = await Promise.all([uploadBytes(server, picture, 'honest.jpg'), healthy(server.url)]);
  expect(a.status, a.text.slice(0, 200)).toBe(200);
  expect(ok).toBe(true);
  return Date.now() - t0;
}

function envelopeIn(raw: Buffer): Record<string, unknown> | null {
  const text = raw.toString('utf8');
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
}

describe('slow clients are cut off and the server stays responsive', () => {
  it('slow request heads (slowloris): 408 and closed, while an honest upload goes through', async () => {
    const head = Buffer.from(uploadHead(host(), server.aliceKey, 'multipart/form-data; boundary=x', 100));
    const clients = Array.from({ length: 30 }, () => new RawClient(server.url));
    await Promise.all(clients.map((c) => c.connected()));
    const trickles = clients.map((c) => c.trickle(head, 1, 100));
    expect(await honestClientLatency()).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    const closed = await Promise.all(clients.map((c) => c.closed));
    await Promise.all(trickles);
    figures.slowHeads = { clients: clients.length, closedAfterMsMax: Math.max(...closed.map((c) => c.afterMs)) };
    for (const [i, c] of clients.entries()) {
      expect(closed[i]?.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(c.statusLine()).toBe('HTTP/1.1 408 Request Timeout');
      expect(envelopeIn(c.received)).toEqual({ status_code: 408, error: { message: 'Request timeout', code: 408 }, status_txt: 'Request Timeout' });
    }
  });

  it('a connection that sends nothing is closed too', async () => {
    const idle = new RawClient(server.url);
    await idle.connected();
    const { afterMs } = await idle.closed;
    expect(afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('a slow body is cut off at the request timeout and leaves no temp file', async () => {
    const before = await settledFootprint(observe(server));
    // Big enough that the trickle cannot finish before the request timeout.
    const { body, contentType } = multipartBody([{ name: 'source', filename: 'slow.jpg', body: Buffer.concat([picture, Buffer.alloc(200_000)]) }]);
    const clients = Array.from({ length: 5 }, () => new RawClient(server.url));
    await Promise.all(clients.map((c) => c.connected()));
    await Promise.all(clients.map((c) => c.write(uploadHead(host(), server.aliceKey, contentType, body.length))));
    const trickles = clients.map((c) => c.trickle(body, 64, 100));
    expect(await honestClientLatency()).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    const closed = await Promise.all(clients.map((c) => c.closed));
    await Promise.all(trickles);
    figures.slowBodies = { clients: clients.length, closedAfterMsMax: Math.max(...closed.map((c) => c.afterMs)) };
    for (const [i, c] of clients.entries()) {
      expect(closed[i]?.afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(c.statusLine()).toBe('HTTP/1.1 408 Request Timeout');
    }
    await eventually(async () => (await footprintOf(observe(server))).temps === 0, 'temp files of the cut-off uploads removed');
    const after = await settledFootprint(observe(server));
    expect(after.rows).toBe(before.rows + 1); // the honest upload
  });
});

describe('oversized and overfull requests get a clear 4xx', () => {
  it('a request head over 16 KB: 431 in the envelope', async () => {
    const c = new RawClient(server.url);
    await c.connected();
    await c.write(`GET /api/1/upload HTTP/1.1\r\nHost: ${host()}\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    await c.closed;
    expect(c.statusLine()).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(envelopeIn(c.received)).toEqual({ status_code: 431, error: { message: 'Request header fields too large', code: 400 }, status_txt: 'Request Header Fields Too Large' });
    const garbage = new RawClient(server.url);
    await garbage.write('\u0000\u0001NOT HTTP AT ALL\r\n\r\n');
    await garbage.closed;
    expect(garbage.statusLine()).toBe('HTTP/1.1 400 Bad Request');
    expect(await healthy(server.url)).toBe(true);
  });

  it('thousands of form fields, in every body type', async () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => ({ name: `f${i}`, body: 'x' }));
    const before = await settledFootprint(observe(server));
    const multipart = await postMultipart(server.url, [...fields, { name: 'source', filename: 'a.jpg', body: picture }], aliceHeaders(server));
    expect(multipart.status).toBe(400);
    expect(await outcomeProblems(observe(server), multipart, before)).toEqual([]);

    const form = new URLSearchParams(fields.map((f) => [f.name, f.body]));
    form.append('source', picture.toString('base64'));
    const urlencoded = await toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: aliceHeaders(server), body: form }));
    const json = await toAnswer(
      await fetch(`${server.url}/api/1/upload`, {
        method: 'POST',
        headers: { ...aliceHeaders(server), 'content-type': 'application/json' },
        body: JSON.stringify({ ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])), source: picture.toString('base64') }),
      }),
    );
    const deep = await toAnswer(
      await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { ...aliceHeaders(server), 'content-type': 'application/json' }, body: `{"source":${'['.repeat(200_000)}${']'.repeat(200_000)}}` }),
    );
    const polluted = await toAnswer(
      await fetch(`${server.url}/api/1/upload?__proto__[admin]=1&constructor[prototype][x]=1`, {
        method: 'POST',
        headers: { ...aliceHeaders(server), 'content-type': 'application/json' },
        body: JSON.stringify({ __proto__: { isAdmin: true }, source: picture.toString('base64'), use_file_date: '1' }),
      }),
    );
    for (const a of [urlencoded, json, deep, polluted]) {
      expect(a.status === 200 || (a.status >= 400 && a.status < 500 && isEnvelope(a)), a.text.slice(0, 200)).toBe(true);
      if (a.status === 200) expect(await acceptedProblems(a)).toEqual([]);
    }
    expect(deep.status).toBe(400);
    expect(polluted.status).toBe(403); // use_file_date stays admin-only, whatever the prototype games
    expect((await settledFootprint(observe(server))).temps).toBe(0);
  });

  it('several sources in one request', async () => {
    const file = { name: 'source', filename: 'a.jpg', body: picture };
    const cases = [
      [file, file],
      [file, { name: 'source', body: picture.toString('base64') }],
      [{ name: 'source', body: picture.toString('base64') }, file],
      [{ name: 'source', body: 'http://example.com/a.jpg' }, { name: 'source', body: picture.toString('base64') }],
      Array.from({ length: 25 }, () => file),
    ];
    for (const parts of cases) {
      const before = await settledFootprint(observe(server));
      const a = await postMultipart(server.url, parts, aliceHeaders(server));
      expect(a.status, a.text.slice(0, 200)).toBe(400);
      expect(await outcomeProblems(observe(server), a, before)).toEqual([]);
    }
    const before = await settledFootprint(observe(server));
    const queryAndBody = await toAnswer(
      await fetch(`${server.url}/api/1/upload?source=${encodeURIComponent(picture.toString('base64'))}`, {
        method: 'POST',
        headers: { ...aliceHeaders(server), 'content-type': multipartBody([file]).contentType },
        body: new Uint8Array(multipartBody([file]).body),
      }),
    );
    expect(queryAndBody.status).toBe(400);
    expect(await outcomeProblems(observe(server), queryAndBody, before)).toEqual([]);
  });
});

describe('clients that hang up', () => {
  it('mid-upload: no temp file is left', async () => {
    const before = await settledFootprint(observe(server));
    const big = Buffer.concat([picture, Buffer.alloc(2_000_000, 0x20)]);
    const { body, contentType } = multipartBody([{ name: 'title', body: 'hang-up' }, { name: 'source', filename: 'cut.jpg', body: big }]);
    const clients = Array.from({ length: 10 }, () => new RawClient(server.url));
    await Promise.all(
      clients.map(async (c, i) => {
        await c.connected();
        await c.write(uploadHead(host(), server.aliceKey, contentType, body.length));
        await c.write(body.subarray(0, 200_000 + i * 100_000));
      }),
    );
    // Every upload is being spooled when its client hangs up.
    await eventually(async () => (await footprintOf(observe(server))).temps === clients.length, 'ten uploads spooling');
    for (const c of clients) c.destroy();
    await eventually(async () => (await footprintOf(observe(server))).temps === 0, 'temp files of the abandoned uploads removed');
    expect(await footprintOf(observe(server))).toEqual(before);
    expect(await honestClientLatency()).toBeLessThan(5_000);
  });

  it('after sending everything: the upload completes or not, but nothing is half-done', async () => {
    const before = await settledFootprint(observe(server));
    const { body, contentType } = multipartBody([{ name: 'source', filename: 'gone.jpg', body: picture }]);
    const clients = Array.from({ length: 10 }, () => new RawClient(server.url));
    await Promise.all(
      clients.map(async (c) => {
        await c.connected();
        await c.write(Buffer.concat([Buffer.from(uploadHead(host(), server.aliceKey, contentType, body.length)), body]));
        c.destroy();
      }),
    );
    // Each complete upload is processed and stored although nobody waits for the answer.
    await eventually(async () => {
      const now = await footprintOf(observe(server));
      return now.temps === 0 && now.rows === before.rows + 10;
    }, 'the ten uploads stored', 20_000);
    const after = await footprintOf(observe(server));
    expect(after.files - before.files).toBe(20); // image and thumb each
  });
});

describe('the same file uploaded 50 times at once', () => {
  const fifty = (s: TestServer) => Promise.all(Array.from({ length: 50 }, () => uploadBytes(s, picture, 'same.jpg')));

  it('with duplicates allowed: 50 distinct stored names, all serving', { timeout: 120_000 }, async () => {
    const before = await settledFootprint(observe(server));
    const answers = await fifty(server);
    for (const a of answers) expect(await acceptedProblems(a)).toEqual([]);
    const names = new Set(answers.map((a) => String((a.json?.image as { name: string }).name)));
    expect(names.size).toBe(50);
    const after = await settledFootprint(observe(server));
    expect(after).toEqual({ files: before.files + 100, temps: 0, rows: before.rows + 50 });
  });

  it('with duplicates reused: every answer serves, and later ones reuse', { timeout: 120_000 }, async () => {
    const reuse = await startHostileServer({ PINHOLE_DUPLICATES: 'reuse' });
    try {
      const answers = await fifty(reuse);
      for (const a of answers) expect(await acceptedProblems(a)).toEqual([]);
      const ids = new Set(answers.map((a) => String((a.json?.image as { id_encoded: string }).id_encoded)));
      const later = await uploadBytes(reuse, picture, 'same.jpg');
      expect(ids.has(String((later.json?.image as { id_encoded: string }).id_encoded))).toBe(true);
      const rows = await reuse.c.db.images.count();
      expect(rows).toBe(ids.size);
      expect((await settledFootprint(observe(reuse))).temps).toBe(0);
    } finally {
      await reuse.stop();
    }
  });
});
