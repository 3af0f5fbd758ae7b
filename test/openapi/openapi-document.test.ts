import { readFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PARAM_NAMES } from '../../src/http/routes/api-v1/upload-params.js';
import { errorCatalogue } from '../../src/errors/catalogue.js';
import { renderErrorsDoc } from '../../src/errors/errors-doc.js';
import { presentSamples } from '../../src/web/api-docs/sample-upload.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { collectRefs, OpenApiValidator, resolvePointer, type Json } from './openapi-validator.js';

let server: TestServer;
let doc: Json;
let validator: OpenApiValidator;

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as Json;
  validator = new OpenApiValidator(doc);
});
afterAll(async () => {
  await server?.stop();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(): { path: string; method: string; op: Json }[] {
  const paths = doc.paths as Record<string, Json>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op: op as Json })),
  );
}

describe('the OpenAPI document is sound', () => {
  it('is OpenAPI 3.1 with info, the site as server, and paths', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '1.1' });
    expect(doc.servers).toEqual([{ url: server.url }]);
    expect(Object.keys(doc.paths as Json)).toContain('/api/1/upload');
    expect(JSON.stringify(doc)).not.toContain(server.aliceKey);
  });

  it('every $ref resolves', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const { at, ref } of refs) expect(resolvePointer(doc, ref), `${ref} at ${at}`).toBeDefined();
  });

  it('every operation has an id, a summary and responses, and declares its path parameters', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(typeof op.operationId, where).toBe('string');
      expect(ids.has(op.operationId as string), `duplicate operationId ${String(op.operationId)}`).toBe(false);
      ids.add(op.operationId as string);
      expect(typeof op.summary, where).toBe('string');
      const responses = op.responses as Json | undefined;
      expect(Object.keys(responses ?? {}).length, where).toBeGreaterThan(0);
      for (const [status, r] of Object.entries(responses ?? {})) {
        expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof (r as Json).description, `${where} ${status}`).toBe('string');
      }
      const declared = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(declared.sort(), where).toEqual(templated.sort());
      for (const p of (op.parameters as Json[] | undefined) ?? []) expect(p.schema ?? p.content, `${where} ${String(p.name)}`).toBeDefined();
    }
  });

  it('every component schema compiles as JSON Schema 2020-12', () => {
    const schemas = (doc.components as Json).schemas as Json;
    for (const name of Object.keys(schemas)) {
      expect(() => validator.errors(`#/components/schemas/${name}`, null), name).not.toThrow();
    }
  });

  it('security schemes used by operations exist', () => {
    const schemes = Object.keys(((doc.components as Json).securitySchemes as Json) ?? {});
    for (const { op } of operations()) {
      for (const requirement of (op.security as Json[] | undefined) ?? []) {
        for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      }
    }
  });

  it('describes every upload parameter the API reads, and no other', () => {
    const post = resolvePointer(doc, '#/components/schemas/UploadMultipart') as Json;
    expect(Object.keys(post.properties as Json).sort()).toEqual([...API_PARAM_NAMES].sort());
    const get = resolvePointer(doc, '#/paths/~1api~11~1upload/get/parameters') as Json[];
    expect(get.map((p) => p.name).sort()).toEqual([...API_PARAM_NAMES].sort());
  });

  it('lists every error status of the catalogue with its codes', () => {
    const responses = resolvePointer(doc, '#/paths/~1api~11~1upload/post/responses') as Json;
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      const r = responses[String(entry.status)] as Json | undefined;
      expect(r, `${code} → ${entry.status}`).toBeDefined();
      expect(String(r?.description)).toContain(code);
      const envelope = { status_code: entry.status, error: { message: entry.message, code: entry.chevereto }, status_txt: STATUS_CODES[entry.status] };
      expect(validator.check('/api/1/upload', 'post', entry.status, 'application/json', envelope), code).toEqual([]);
      expect(validator.check('/api/1/upload', 'post', entry.status, 'application/json', { ...envelope, status_txt: 'Whatever' }).length).toBeGreaterThan(0);
      expect(validator.check('/api/1/upload', 'post', entry.status, 'application/json', { ...envelope, status_code: 200 }).length).toBeGreaterThan(0);
    }
  });

  it('the examples are valid against their own schemas', () => {
    const media = resolvePointer(doc, '#/paths/~1api~11~1upload/post/responses/200/content/application~1json') as Json;
    const examples = media.examples as Record<string, { value: unknown }>;
    expect(Object.keys(examples)).toEqual(['image', 'clip', 'imgbb']);
    for (const [name, ex] of Object.entries(examples)) expect(validator.check('/api/1/upload', 'post', 200, 'application/json', ex.value), name).toEqual([]);
  });

  it('the presenter’s answers for the samples fit the Image schema, also when awaiting moderation', () => {
    const samples = presentSamples(server.c.presenter, new Date(), 'UTC', 'zh-CN');
    expect(validator.errors('#/components/schemas/Image', samples.image)).toEqual([]);
    expect(validator.errors('#/components/schemas/Image', samples.clip)).toEqual([]);
    const withoutUrl = { ...samples.image };
    delete withoutUrl.url;
    expect(validator.errors('#/components/schemas/Image', withoutUrl).join()).toMatch(/url/);
    expect(validator.errors('#/components/schemas/Image', { ...samples.image, surprise: 1 }).join()).toMatch(/additional/);
    expect(validator.errors('#/components/schemas/Image', { ...samples.image, size: '12' }).join()).toMatch(/size/);
  });
});

describe('docs/errors.md', () => {
  it('is generated from the catalogue (npx tsx test/tools/write-errors-doc.ts)', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });
});
