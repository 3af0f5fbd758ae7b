/**
 * Real answers of a running server, success and every error kind that can be caused from outside,
 * validated against the schemas `/openapi.json` declares for them.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { imageOf, request, uploadForm, uploadJson, uploadMultipart, type ApiAnswer } from '../helpers/upload.js';
import { OpenApiValidator, type Json } from './openapi-validator.js';

let a: TestServer;
/** Strict site: duplicates rejected, no URL sources, 0.2 MB files, two uploads a minute. */
let b: TestServer;
let validator: OpenApiValidator;
const seen = new Set<number>();

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestServer(),
    startTestServer({ PINHOLE_DUPLICATES: 'reject', PINHOLE_URL_UPLOADS: 'off', PINHOLE_MAX_UPLOAD_MB: '0.2', PINHOLE_FLOOD_PER_MINUTE: '2' }),
  ]);
  validator = new OpenApiValidator((await (await fetch(`${a.url}/openapi.json`)).json()) as Json);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const PATH = '/api/1/upload';

/** The answer matches what the document declares for its status and content type. */
function documented(answer: ApiAnswer, method: 'get' | 'post', expectStatus: number): ApiAnswer {
  expect(answer.status, answer.text.slice(0, 300)).toBe(expectStatus);
  seen.add(answer.status);
  const declared = validator.response(PATH, method, answer.status);
  expect(declared, `status ${answer.status} is not in the document`).toBeDefined();
  const type = (answer.headers.get('content-type') ?? '').split(';')[0] ?? '';
  if (answer.status === 302) {
    expect(answer.headers.get('location')).toMatch(/^\//);
    expect(Object.keys((declared?.headers as Json) ?? {})).toContain('Location');
    return answer;
  }
  if (type === 'application/json') expect(validator.check(PATH, method, answer.status, type, answer.json)).toEqual([]);
  else expect(Object.keys((declared?.content as Json) ?? {})).toContain(type);
  return answer;
}

const alice = () => ({ 'x-api-key': a.aliceKey });
const errorCode = (x: ApiAnswer) => (x.json?.error as { code: number } | undefined)?.code;

describe('successful uploads fit the document', () => {
  let photoUrl = '';

  it('a picture (multipart), with every field typed as documented', async () => {
    const x = documented(await uploadMultipart(a, { source: { file: fixturePath('photo.jpg'), type: 'image/jpeg' }, tags: 'sea, dusk' }, { headers: alice() }), 'post', 200);
    photoUrl = String(imageOf(x).url);
    expect((imageOf(x).tags as unknown[]).length).toBe(2);
  });

  it('a clip, with its frame', async () => {
    const x = documented(await uploadMultipart(a, { source: { file: fixturePath('clip.mp4'), type: 'video/mp4' }, expiration: 'P3D' }, { headers: alice() }), 'post', 200);
    expect(imageOf(x).type).toBe('video');
    expect(imageOf(x).frame).toBeDefined();
  });

  it('the ImgBB form (base64 sent as `image`)', async () => {
    const base64 = (await readFile(fixturePath('tiny.png'))).toString('base64');
    const x = documented(await uploadForm(a, { image: base64, name: 'tiny one' }, { headers: alice() }), 'post', 200);
    expect(Object.keys(x.json ?? {})).toEqual(['status_code', 'status', 'success', 'data', 'status_txt']);
  });

  it('a URL source in a JSON body, and with GET', async () => {
    documented(await uploadJson(a, { source: photoUrl, nsfw: 1, width: 300 }, { headers: alice() }), 'post', 200);
    documented(await request(a, `${PATH}?key=${a.aliceKey}&source=${photoUrl}`), 'get', 200);
  });

  it('format=txt and format=redirect', async () => {
    const txt = documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') }, format: 'txt' }, { headers: alice() }), 'post', 200);
    expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(txt.text).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\//);
    documented(await uploadMultipart(a, { source: { file: fixturePath('static.gif') }, format: 'redirect' }, { headers: alice() }), 'post', 302);
  });

  it('an upload awaiting moderation leaves out its direct URLs and still fits', async () => {
    const m = await startTestServer({ PINHOLE_MODERATION: 'all' });
    try {
      const x = await uploadMultipart(m, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': m.aliceKey } });
      expect(x.status).toBe(200);
      expect(imageOf(x).is_approved).toBe(0);
      expect(imageOf(x).url).toBeUndefined();
      expect(validator.check(PATH, 'post', 200, 'application/json', x.json)).toEqual([]);
    } finally {
      await m.stop();
    }
  });
});

describe('every kind of error fits the document', () => {
  it('400: no source, bad parameters, base64 over GET, bad version', async () => {
    expect(errorCode(documented(await uploadForm(a, { title: 'nothing' }, { headers: alice() }), 'post', 400))).toBe(130);
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') }, width: 'wide' }, { headers: alice() }), 'post', 400);
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') }, expiration: 'soon' }, { headers: alice() }), 'post', 400);
    documented(await request(a, `${PATH}?key=${a.aliceKey}&source=aGVsbG8gd29ybGQ=`), 'get', 400);
    const version = await request(a, '/api/2/upload', { method: 'POST', headers: alice() });
    expect(version.status).toBe(400);
    expect(validator.check(PATH, 'post', 400, 'application/json', version.json)).toEqual([]);
  });

  it('400 as text with format=txt', async () => {
    const x = documented(await uploadForm(a, { format: 'txt' }, { headers: alice() }), 'post', 400);
    expect(x.text).toBe('Empty upload source');
  });

  it('401: no key, wrong key', async () => {
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') } }), 'post', 401);
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': `chv_zz_${'0'.repeat(64)}` } }), 'post', 401);
  });

  it('403: admin-only parameter, forbidden address, URL sources off', async () => {
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') }, use_file_date: '1' }, { headers: alice() }), 'post', 403);
    documented(await uploadForm(a, { source: 'http://10.1.2.3/picture.jpg' }, { headers: alice() }), 'post', 403);
    documented(await uploadForm(b, { source: `${a.url}/static/site.css` }, { headers: { 'x-api-key': b.aliceKey } }), 'post', 403);
  });

  it('404: album not yours, unknown path', async () => {
    documented(await uploadMultipart(a, { source: { file: fixturePath('small.jpg') }, album_id: 'zzzz' }, { headers: alice() }), 'post', 404);
    const unknown = await request(a, '/api/1/upload/more/path', { method: 'POST', headers: alice() });
    expect(unknown.status).toBe(404);
    expect(validator.check(PATH, 'post', 404, 'application/json', unknown.json)).toEqual([]);
  });

  it('413: too many bytes, too many pixels', async () => {
    documented(await uploadMultipart(b, { source: { file: fixturePath('photo.jpg') } }, { headers: { 'x-api-key': b.aliceKey } }), 'post', 413);
    documented(await uploadMultipart(a, { source: { file: fixturePath('huge-dimensions.png') } }, { headers: alice() }), 'post', 413);
  });

  it('415: not a picture, not a body type the API reads', async () => {
    documented(await uploadMultipart(a, { source: { bytes: Buffer.from('just some text, not an image at all\n'), filename: 'notes.txt' } }, { headers: alice() }), 'post', 415);
    const plain = await request(a, PATH, { method: 'POST', headers: { ...alice(), 'content-type': 'text/plain' }, body: 'hello' });
    documented(plain, 'post', 415);
  });

  it('422: a damaged file', async () => {
    documented(await uploadMultipart(a, { source: { file: fixturePath('truncated.jpg') } }, { headers: alice() }), 'post', 422);
  });

  it('409 then 429: a duplicate, then too many uploads', async () => {
    const key = { 'x-api-key': b.aliceKey };
    documented(await uploadMultipart(b, { source: { file: fixturePath('tiny.png') } }, { headers: key }), 'post', 200);
    documented(await uploadMultipart(b, { source: { file: fixturePath('tiny.png') } }, { headers: key }), 'post', 409);
    documented(await uploadMultipart(b, { source: { file: fixturePath('small.jpg') } }, { headers: key }), 'post', 200);
    const flood = documented(await uploadMultipart(b, { source: { file: fixturePath('static.gif') } }, { headers: key }), 'post', 429);
    expect(Number(flood.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Object.keys((validator.response(PATH, 'post', 429)?.headers as Json) ?? {})).toContain('Retry-After');
  });

  it('covered every status asked for', () => {
    for (const status of [200, 302, 400, 401, 403, 404, 409, 413, 415, 422, 429]) expect(seen, `status ${status}`).toContain(status);
  });
});
