import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { footprint, request, uploadForm, uploadMultipart, type ApiAnswer } from '../helpers/upload.js';

let server: TestServer;
let origin: Server;
let originUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  origin = createServer((req, res) => {
    if (req.url === '/missing.jpg') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not really a picture');
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => origin?.close(resolve));
  await server?.stop();
});

function expectEnvelope(a: ApiAnswer, status: number, code: number, message: string | RegExp) {
  expect(a.status, a.text).toBe(status);
  expect(a.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(a.json ?? {})).toEqual(['status_code', 'error', 'status_txt']);
  expect(a.json?.status_code).toBe(status);
  const error = a.json?.error as { message: string; code: number };
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(typeof a.json?.status_txt).toBe('string');
}

/** Runs a refused upload and checks that it left no stored file, row or temp file behind. */
async function refused(run: () => Promise<ApiAnswer>): Promise<ApiAnswer> {
  const before = await footprint(server);
  const a = await run();
  expect(a.status).toBeGreaterThanOrEqual(400);
  expect(await footprint(server)).toEqual({ ...before, temps: 0 });
  return a;
}

const key = () => ({ 'x-api-key': server.aliceKey });

describe('bad input gets a clear error in the envelope and leaves nothing behind', () => {
  it('missing key', async () => {
    const a = await refused(() => uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }));
    expectEnvelope(a, 401, 100, 'No key provided');
  });

  it('wrong key, in the header or as `key`', async () => {
    expectEnvelope(await refused(() => uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': 'chv_zz_' + '0'.repeat(64) } })), 401, 100, 'Invalid API key.');
    expectEnvelope(await refused(() => uploadMultipart(server, { key: 'nonsense', source: { file: fixturePath('small.jpg') } })), 401, 100, 'Invalid API key.');
    // The header wins over `key`, even when the header is wrong.
    expectEnvelope(await refused(() => uploadMultipart(server, { key: server.aliceKey, source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': 'bad' } })), 401, 100, 'Invalid API key.');
  });

  it('revoked key', async () => {
    const alice = await server.c.accounts.findUser('alice');
    const { key: k, record } = await server.c.accounts.createKey(alice!.id, 'to revoke');
    expect((await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': k } })).status).toBe(200);
    await server.c.accounts.revokeKey(record.id);
    expectEnvelope(await refused(() => uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': k } })), 401, 100, 'Invalid API key.');
  });

  it('no source', async () => {
    expectEnvelope(await refused(() => uploadMultipart(server, { title: 'x' }, { headers: key() })), 400, 130, 'Empty upload source');
    expectEnvelope(await refused(() => uploadForm(server, { source: '' }, { headers: key() })), 400, 130, 'Empty upload source');
  });

  it('broken base64', async () => {
    expectEnvelope(await refused(() => uploadForm(server, { source: 'abc$%^&*()!' }, { headers: key() })), 400, 120, 'Invalid base64 string');
  });

  it('base64 over GET', async () => {
    const b64 = (await readFile(fixturePath('tiny.png'))).toString('base64');
    const a = await refused(() => request(server, `/api/1/upload?source=${encodeURIComponent(b64)}`, { headers: key() }));
    expectEnvelope(a, 400, 130, 'Upload using base64 source must be done using POST method.');
  });

  it.each([
    ['a text file', 'fake.jpg'],
    ['an SVG', 'svg-as.png'],
    ['a PDF', 'pdf.jpg'],
  ])('%s posing as an image', async (_what, name) => {
    const a = await refused(() => uploadMultipart(server, { source: { file: fixturePath(name), type: 'image/jpeg' } }, { headers: key() }));
    expectEnvelope(a, 415, 613, 'Unavailable image format');
  });

  it.each(['truncated.jpg', 'truncated.png'])('a truncated image (%s)', async (name) => {
    const a = await refused(() => uploadMultipart(server, { source: { file: fixturePath(name) } }, { headers: key() }));
    expectEnvelope(a, 422, 610, /Can't get target upload source info/);
  });

  it('a file over the byte limit is refused while streaming', async () => {
    const big = Buffer.alloc(5_000_001, 0x41);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const a = await refused(() => uploadMultipart(server, { source: { bytes: big, filename: 'big.jpg' } }, { headers: key() }));
    expectEnvelope(a, 413, 400, 'File too big - max 5 MB');
    // The same file as base64 in a urlencoded body.
    const b = await refused(() => uploadForm(server, { source: big.toString('base64') }, { headers: key() }));
    expectEnvelope(b, 413, 400, 'File too big - max 5 MB');
  });

  it('a picture over the pixel limit, refused before decoding', async () => {
    const a = await refused(() => uploadMultipart(server, { source: { file: fixturePath('huge-dimensions.png') } }, { headers: key() }));
    expectEnvelope(a, 413, 400, /Image too large/);
  });

  it('a URL to a private address, and other schemes', async () => {
    for (const url of ['http://10.0.0.1/a.jpg', 'http://169.254.169.254/latest/meta-data', 'http://[fd00::1]/x.png', 'http://100.64.0.1/x.jpg']) {
      const a = await refused(() => uploadForm(server, { source: url }, { headers: key() }));
      expectEnvelope(a, 403, 400, /forbidden address/);
    }
    const f = await refused(() => uploadForm(server, { source: 'file:///etc/passwd' }, { headers: key() }));
    expectEnvelope(f, 400, 622, /only http and https/);
  });

  it('a URL answering 404, or answering something that is not a picture', async () => {
    const a = await refused(() => uploadForm(server, { source: `${originUrl}/missing.jpg` }, { headers: key() }));
    expectEnvelope(a, 400, 600, /HTTP 404/);
    const b = await refused(() => uploadForm(server, { source: `${originUrl}/fake.jpg` }, { headers: key() }));
    expectEnvelope(b, 415, 613, 'Unavailable image format');
  });

  it("another user's album", async () => {
    const admin = await server.c.accounts.findUser('admin');
    const album = await server.c.db.albums.create({ userId: admin!.id, name: 'Admin only', description: null, privacy: 'private', createdAt: new Date() });
    const encoded = server.c.ids.encode(album.id);
    const a = await refused(() => uploadMultipart(server, { album_id: encoded, source: { file: fixturePath('small.jpg') } }, { headers: key() }));
    expectEnvelope(a, 404, 404, 'Album not found');
    const b = await refused(() => uploadMultipart(server, { album_id: 'doesnotexist', source: { file: fixturePath('small.jpg') } }, { headers: key() }));
    expectEnvelope(b, 404, 404, 'Album not found');
  });

  it('an unparsable expiration', async () => {
    const a = await refused(() => uploadMultipart(server, { expiration: 'tomorrow', source: { file: fixturePath('small.jpg') } }, { headers: key() }));
    expectEnvelope(a, 400, 400, /Invalid expiration/);
  });

  it('use_file_date from a non-admin key', async () => {
    const a = await refused(() => uploadMultipart(server, { use_file_date: '1', source: { file: fixturePath('photo.jpg') } }, { headers: key() }));
    expectEnvelope(a, 403, 403, /admin/);
  });

  it('a non-numeric width or category', async () => {
    expectEnvelope(await refused(() => uploadMultipart(server, { width: 'wide', source: { file: fixturePath('small.jpg') } }, { headers: key() })), 400, 400, /width/);
    expectEnvelope(await refused(() => uploadMultipart(server, { category_id: '999', source: { file: fixturePath('small.jpg') } }, { headers: key() })), 400, 400, /Category not found/);
  });

  it('several sources', async () => {
    const bytes = new Uint8Array(await readFile(fixturePath('small.jpg')));
    const a = await refused(async () => {
      const form = new FormData();
      form.append('source', new Blob([bytes]), 'a.jpg');
      form.append('source', new Blob([bytes]), 'b.jpg');
      const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', body: form, headers: key() });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Record<string, unknown> };
    });
    expectEnvelope(a, 400, 130, 'Only one upload source is allowed');
  });
});

describe('routing and framework errors use the envelope too', () => {
  it('versions, actions and unknown paths', async () => {
    expectEnvelope(await request(server, '/api/2/upload', { headers: key() }), 400, 110, 'Invalid API version.');
    expectEnvelope(await request(server, '/api/1.1/upload', { headers: key() }), 400, 110, 'Invalid API version.');
    expectEnvelope(await request(server, '/api/1/foo', { headers: key() }), 400, 120, 'Invalid API action');
    expectEnvelope(await request(server, '/api/1', { headers: key() }), 400, 100, 'No action provided');
    expectEnvelope(await request(server, '/api/1/upload/extra/segments', { headers: key() }), 404, 404, 'Not found');
  });

  it('a wrong content type, malformed multipart and JSON', async () => {
    expectEnvelope(
      await request(server, '/api/1/upload', { method: 'POST', headers: { ...key(), 'content-type': 'text/plain' }, body: 'hello' }),
      415,
      400,
      /Unsupported request content type/,
    );
    expectEnvelope(
      await request(server, '/api/1/upload', { method: 'POST', headers: { ...key(), 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="source"; filename="a.jpg"\r\n\r\nabc' }),
      400,
      400,
      /./,
    );
    expectEnvelope(await request(server, '/api/1/upload', { method: 'POST', headers: { ...key(), 'content-type': 'application/json' }, body: '{"source":' }), 400, 400, /./);
  });

  it('txt and redirect errors are plain text with the real status', async () => {
    const a = await uploadMultipart(server, { format: 'txt', source: { file: fixturePath('fake.jpg') } }, { headers: key() });
    expect(a.status).toBe(415);
    expect(a.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(a.text).toBe('Unavailable image format');
    const b = await request(server, '/api/1/upload?format=redirect');
    expect(b.status).toBe(401);
    expect(b.text).toBe('No key provided');
  });
});
