import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/generate.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { startTestS3 } from '../helpers/s3.js';
import { imageOf, uploadMultipart } from '../helpers/upload.js';

describe('/healthz, /readyz and /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is healthy and ready when the database and the store answer', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('counts requests by route pattern, uploads by type and outcome, bytes, processing time and queue depth', async () => {
    const image = imageOf(await uploadMultipart(server, { source: { file: fixturePath('small.jpg') } }, { headers: { 'x-api-key': server.aliceKey } }));
    const refused = await uploadMultipart(server, { source: { bytes: Buffer.from('not a picture'), filename: 'x.jpg' } }, { headers: { 'x-api-key': server.aliceKey } });
    expect(refused.status).toBe(415);
    for (let i = 0; i < 3; i++) expect((await fetch(String(image.url))).status).toBe(200);
    expect((await fetch(`${server.url}/images/2020/01/01/nothing-here.jpg`)).status).toBe(404);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const line = (re: RegExp) => text.split('\n').find((l) => re.test(l));
    expect(line(/^pinhole_http_requests_total\{method="GET",route="\/images\/\*",status="200",instance="[^"]+"\} 3$/)).toBeDefined();
    expect(line(/^pinhole_http_requests_total\{method="GET",route="\/images\/\*",status="404"/)).toBeDefined();
    expect(line(/^pinhole_http_requests_total\{method="POST",route="\/api\/:version\/:action",status="200"/)).toBeDefined();
    // Timed: the first read of the file and the 404; the two answers from memory are counted, not timed.
    expect(line(/^pinhole_http_request_duration_seconds_bucket\{.*le="\+Inf".*route="\/images\/\*".*\} 2$/)).toBeDefined();
    expect(line(/^pinhole_uploads_total\{type="image",outcome="success",instance="[^"]+"\} 1$/)).toBeDefined();
    expect(line(/^pinhole_uploads_total\{type="unknown",outcome="unsupported_type"/)).toBeDefined();
    const bytes = Number(line(/^pinhole_stored_bytes_total\{type="image"/)?.split(' ').pop());
    expect(bytes).toBeGreaterThan(Number(image.size));
    expect(line(/^pinhole_media_processing_seconds_count\{.*type="image".*\} 1$/)).toBeDefined();
    expect(line(/^pinhole_job_queue_depth\{instance="[^"]+"\} 0$/)).toBeDefined();
    expect(line(/^pinhole_process_resident_memory_bytes/)).toBeDefined();
    // Route patterns only: no stored key, no raw path ever becomes a label.
    expect(text).not.toContain('nothing-here');
    expect(text).not.toContain(String(image.url).split('/').pop());
  });

  it('refuses /metrics to a request that came through a proxy', async () => {
    expect((await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(403);
  });
});

describe('/metrics with PINHOLE_METRICS_TOKEN', () => {
  let server: TestServer;
  const token = 'scrape-token-0123456789';
  beforeAll(async () => {
    server = await startTestServer({ PINHOLE_METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('asks for the bearer token, from anywhere', async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('pinhole_http_requests_total');
  });
});

describe('/readyz with an unreachable bucket', () => {
  it('answers 503 naming the storage, while /healthz stays up', async () => {
    const s3 = await startTestS3();
    const server = await startTestServer(s3.env);
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      await s3.stop();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', storage: 'error' } });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
