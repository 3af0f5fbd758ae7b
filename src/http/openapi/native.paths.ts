import { z } from 'zod';
import { bodySchema as albumJsonBodySchema } from '../routes/web/album-json.route.js';
import { imageSchema } from './image.schemas.js';

/**
 * The website's own JSON API (`/json/*`), as its routes implement it: upload-json.route.ts,
 * uploader.route.ts (`/json/upload-settings`) and album-json.route.ts. The browser calls them with its
 * session cookie; every POST also needs the CSRF token of the page in `x-csrf-token`.
 */

export interface NativeApi {
  readonly paths: Record<string, Record<string, unknown>>;
  /** Schemas of answers (zod's output side). */
  readonly schemas: readonly (readonly [string, z.ZodType])[];
  /** Schemas of request bodies (zod's input side: defaults make fields optional). */
  readonly requestSchemas: readonly (readonly [string, z.ZodType])[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const embedCodeSchema = z
  .strictObject({
    group: z.enum(['links', 'html', 'markdown', 'bbcode']),
    id: z.string().describe('Stable id, e.g. `viewer-links`, `medium-bbcode-embed`'),
    value: z.string().describe('Plain text (escape it before putting it in HTML)'),
  })
  .describe('A link or embed code of the upload');

export const webUploadSuccessSchema = z
  .strictObject({
    status_code: z.literal(200),
    success: z.strictObject({ message: z.literal('file uploaded'), code: z.literal(200) }),
    image: imageSchema,
    embeds: z.array(embedCodeSchema).describe('Links and embed codes, delete link included'),
    status_txt: z.literal('OK'),
  })
  .describe('Answer of the website uploader');

const text = (d: string) => z.string().describe(d);

export const webUploadBodySchema = z
  .object({
    source: z.union([z.string().meta({ contentMediaType: 'application/octet-stream' }), z.string()]).describe('The file (one part), or with `type=url` the URL of a file'),
    type: z.enum(['file', 'url']).optional().describe('`url` when `source` is a URL (base64 is for API clients)'),
    title: text('Title').optional(),
    description: text('Description').optional(),
    tags: text('Comma-separated tags').optional(),
    album_id: text('One of your albums').optional(),
    nsfw: z.enum(['0', '1']).optional(),
    expiration: text('Auto-delete after this ISO-8601 duration; empty means never, over the account default').optional(),
    width: z.string().regex(/^\d*$/).optional().describe('Resize to this width'),
  })
  .describe('One file or URL per request');

export const uploaderSettingsSchema = z
  .strictObject({
    endpoint: z.string(),
    albumsEndpoint: z.string(),
    formats: z.array(z.string()).describe('Accepted formats as shown, e.g. `JPG`'),
    extensions: z.array(z.string()),
    mimeTypes: z.array(z.string()),
    maxBytes: z.int().min(0),
    maxLabel: z.string(),
    guest: z.boolean(),
    sessionPending: z.boolean().describe('A guest without a session yet: upload one file first, then use the new x-csrf-token of its answer'),
    urlUploads: z.boolean(),
    threads: z.int().min(1),
    albums: z.array(z.strictObject({ id: z.string(), name: z.string() })),
    expirations: z.array(z.strictObject({ value: z.string(), label: z.string() })),
    defaultExpiration: z.string(),
    preselectedAlbum: z.string().describe('Album chosen for every file when the page was opened as `/upload?toAlbum={id}`, or empty'),
    canCreateAlbum: z.boolean(),
    signups: z.boolean(),
    profileUrl: z.string().nullable(),
    lang: z.enum(['en', 'zh-CN']),
    messages: z.record(z.string(), z.string()),
  })
  .describe('What the uploader needs: limits, formats, albums and its texts in the visitor’s language');

export const uploaderSettingsAnswerSchema = z.strictObject({ status_code: z.literal(200), settings: uploaderSettingsSchema, status_txt: z.literal('OK') });

export const albumCreatedSchema = z
  .strictObject({
    status_code: z.literal(200),
    album: z.strictObject({
      id_encoded: z.string(),
      url: z.url(),
      name: z.string(),
      privacy: z.string(),
      image_count: z.int().min(0),
    }),
    status_txt: z.literal('OK'),
  })
  .describe('The new album');

const csrfHeader = {
  name: 'x-csrf-token',
  in: 'header',
  required: true,
  description: 'The token of `<meta name="csrf-token">` in the page (a guest’s first upload answers with a new one in the same header)',
  schema: { type: 'string' },
};

const errors = (what: string) => ({
  '4XX': { description: `${what} The message is in the visitor’s language where the site has it.`, content: { 'application/json': { schema: ref('ErrorEnvelope') } } },
  '5XX': { description: 'A fault on the server; the message carries the request id.', content: { 'application/json': { schema: ref('ErrorEnvelope') } } },
});

export function nativeApi(): NativeApi {
  const tags = ['Native JSON API'];
  const security = [{ session: [] }, {}];
  return {
    schemas: [
      ['EmbedCode', embedCodeSchema],
      ['WebUploadSuccess', webUploadSuccessSchema],
      ['UploaderSettings', uploaderSettingsSchema],
      ['UploaderSettingsAnswer', uploaderSettingsAnswerSchema],
      ['AlbumCreated', albumCreatedSchema],
    ],
    requestSchemas: [
      ['WebUploadBody', webUploadBodySchema],
      ['AlbumCreateBody', albumJsonBodySchema],
    ],
    paths: {
      '/json/upload': {
        post: {
          operationId: 'webUpload',
          tags,
          summary: 'Upload one file or URL from the website',
          description: 'For the browser’s session: a logged-in user, or a guest when guest uploads are on (the guest’s uploads join their account when they sign up or log in). Same checks, limits and image object as `/api/1/upload`.',
          security,
          parameters: [csrfHeader],
          requestBody: { required: true, content: { 'multipart/form-data': { schema: ref('WebUploadBody') } } },
          responses: {
            '200': { description: 'Uploaded', content: { 'application/json': { schema: ref('WebUploadSuccess') } } },
            ...errors('Refused: 403 without a valid CSRF token or when guests may not upload, 415 without a multipart body, and the upload errors of `/api/1/upload` (400, 404, 409, 413, 415, 422, 429 with `Retry-After`).'),
          },
        },
      },
      '/json/upload-settings': {
        get: {
          operationId: 'webUploadSettings',
          tags,
          summary: 'The uploader’s settings for this visitor',
          security,
          responses: {
            '200': { description: 'Settings', content: { 'application/json': { schema: ref('UploaderSettingsAnswer') } } },
            ...errors('403 when guests may not upload and nobody is logged in.'),
          },
        },
      },
      '/json/albums': {
        post: {
          operationId: 'webCreateAlbum',
          tags,
          summary: 'Create an album, optionally with some of your uploads',
          description: 'Images in `image_ids` that are not yours are left alone.',
          security: [{ session: [] }],
          parameters: [csrfHeader],
          requestBody: { required: true, content: { 'application/json': { schema: ref('AlbumCreateBody') } } },
          responses: {
            '200': { description: 'Created', content: { 'application/json': { schema: ref('AlbumCreated') } } },
            ...errors('401 when nobody is logged in, 400 for a missing name or a bad privacy or password, 403 without a valid CSRF token.'),
          },
        },
      },
    },
  };
}
