import { z } from 'zod';
import { translator } from '../../web/i18n/index.js';
import { describeParameters } from '../../web/api-docs/parameters.js';
import { megabytes, type ApiSiteFacts } from '../../web/api-docs/site-facts.js';
import {
  errorEnvelopeSchema,
  fileObjectSchema,
  imageSchema,
  imgbbImageSchema,
  imgbbSuccessSchema,
  missingFileSchema,
  tagSchema,
  uploadSuccessSchema,
} from './image.schemas.js';
import { errorSchemaFor, errorStatuses, queryParameterSchema, uploadBodySchemas } from './upload.schemas.js';
import { nativeApi } from './native.paths.js';

export type Json = Record<string, unknown>;

export interface OpenApiExamples {
  /** `image` objects made by the real presenter from sample uploads. */
  readonly image: Json;
  readonly clip: Json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schema 2020-12 of every registered zod schema, as OpenAPI components. */
function componentsFrom(entries: readonly (readonly [string, z.ZodType])[], io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<z.core.JSONSchemaMeta>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  // Components live inside the OpenAPI document: they take its dialect and base, not their own.
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

function uploadOperation(method: 'get' | 'post', facts: ApiSiteFacts, examples: OpenApiExamples): Json {
  const t = translator('en');
  const params = describeParameters(facts, t);
  const queryParams = params.map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    description: p.description,
    schema: { $ref: `#/components/schemas/Query_${p.name}` },
  }));
  const errors = Object.fromEntries(
    [...errorStatuses().entries()].map(([status, entries]) => [
      String(status),
      {
        description: entries.map((x) => `\`${x.code}\` (${x.chevereto}) ${x.message}: ${x.hint}`).join('\n\n'),
        headers: status === 429 || status === 503 ? { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } } } : undefined,
        content: {
          'application/json': { schema: ref(`Error${status}`) },
          'text/plain': { schema: { type: 'string' }, description: 'With `format=txt` or `format=redirect`: the message alone' },
        },
      },
    ]),
  );
  const success = {
    status_code: 200,
    success: { message: 'file uploaded', code: 200 },
    image: examples.image,
    status_txt: 'OK',
  };
  const operation: Json = {
    operationId: method === 'get' ? 'uploadGet' : 'upload',
    tags: ['Upload API (Chevereto v1.1)'],
    summary: method === 'get' ? 'Upload from a URL with GET' : 'Upload a file (recommended)',
    description:
      method === 'get'
        ? 'GET suits URL sources; base64 needs POST. A `source` URL in the query may be sent unencoded, with its own `?` and `&`: everything after `source=` up to the next known parameter is the URL.'
        : `Upload a file as multipart/form-data, base64 or a URL in a urlencoded or JSON body. Parameters may also come in the query string (the body wins). At most ${megabytes(facts.maxBytes)} per file.`,
    security: [{ apiKeyHeader: [] }, { apiKeyParameter: [] }],
    parameters: method === 'get' ? queryParams : queryParams.filter((p) => p.name === 'key' || p.name === 'format'),
    responses: {
      '200': {
        description: 'Uploaded. JSON by default (the ImgBB form when the source came as `image`); with `format=txt` the direct URL alone.',
        headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store, no-cache, must-revalidate' } } },
        content: {
          'application/json': {
            schema: { oneOf: [ref('UploadSuccess'), ref('ImgbbUploadSuccess')] },
            examples: {
              image: { summary: 'A picture', value: success },
              clip: { summary: 'A video clip', value: { ...success, image: examples.clip } },
              imgbb: { summary: 'ImgBB form (source sent as `image`)', value: { status_code: 200, status: 200, success: success.success, data: { id: examples.image.id_encoded, ...examples.image }, status_txt: 'OK' } },
            },
          },
          'text/plain': { schema: { type: 'string', format: 'uri' }, example: examples.image.url },
        },
      },
      '302': {
        description: 'Uploaded, with `format=redirect`: to the viewer page.',
        headers: { Location: { description: 'Viewer page path (`path_viewer`)', schema: { type: 'string' }, example: examples.image.path_viewer } },
      },
      ...errors,
    },
  };
  if (method === 'post') {
    operation.requestBody = {
      required: false,
      content: {
        'multipart/form-data': { schema: ref('UploadMultipart'), encoding: { source: { contentType: 'application/octet-stream, text/plain' } } },
        'application/x-www-form-urlencoded': { schema: ref('UploadForm') },
        'application/json': { schema: ref('UploadJson'), example: { source: examples.image.url, title: 'Harbour at dusk', expiration: 'P3D' } },
      },
    };
  }
  return operation;
}

/**
 * The OpenAPI 3.1 document of `/api/1/upload` and of the native JSON API, with this site's limits.
 * Schemas come from zod (image.schemas.ts, upload.schemas.ts, native.paths.ts); examples from the
 * real presenter.
 */
export function buildOpenApiDocument(facts: ApiSiteFacts, examples: OpenApiExamples): Json {
  const t = translator('en');
  const params = describeParameters(facts, t);
  const bodies = uploadBodySchemas(params);
  const native = nativeApi();
  const statuses = errorStatuses();
  const answers = componentsFrom(
    [
      ['Image', imageSchema],
      ['ImgbbImage', imgbbImageSchema],
      ['FileObject', fileObjectSchema],
      ['MissingFile', missingFileSchema],
      ['Tag', tagSchema],
      ['UploadSuccess', uploadSuccessSchema],
      ['ImgbbUploadSuccess', imgbbSuccessSchema],
      ['ErrorEnvelope', errorEnvelopeSchema],
      ...[...statuses.entries()].map(([status, entries]) => [`Error${status}`, errorSchemaFor(status, entries.map((x) => x.chevereto))] as const),
      ...native.schemas,
    ],
    'output',
  );
  const requests = componentsFrom(
    [
      ['UploadMultipart', bodies.multipart],
      ['UploadForm', bodies.form],
      ['UploadJson', bodies.json],
      ...params.map((p) => [`Query_${p.name}`, queryParameterSchema(p)] as const),
      ...native.requestSchemas,
    ],
    'input',
  );
  const schemas = { ...answers, ...requests };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pinhole API',
      version: '1.1',
      description: `Image and short-video hosting. \`/api/1/upload\` speaks the Chevereto API v1.1, so its clients work unchanged; \`/json/*\` is the site's own JSON API, used by its pages with a session cookie. Human-readable guide: ${facts.baseUrl}/api-v1`,
    },
    servers: [{ url: facts.baseUrl }],
    tags: [
      { name: 'Upload API (Chevereto v1.1)', description: 'Key-authenticated uploads for scripts and tools' },
      { name: 'Native JSON API', description: 'What the website uses, with the session cookie and a CSRF token' },
    ],
    paths: {
      '/api/1/upload': {
        description: 'Also answers at `/api/1/upload/` (trailing slash).',
        get: uploadOperation('get', facts, examples),
        post: uploadOperation('post', facts, examples),
      },
      ...native.paths,
    },
    components: {
      schemas,
      securitySchemes: {
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A user key `chv_<id>_<secret>` (settings → API keys), or the site guest key' },
        apiKeyParameter: { type: 'apiKey', in: 'query', name: 'key', description: 'The same key as a parameter (query or body), for clients that cannot set headers; the header wins' },
        session: { type: 'apiKey', in: 'cookie', name: 'ph_session', description: 'The website session; state-changing calls also need the `x-csrf-token` header from the page' },
      },
    },
  };
}
