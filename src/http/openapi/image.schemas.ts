import { z } from 'zod';

/**
 * The answer of `/api/1/upload` as zod schemas (SPEC-API §2, A18, A21): every field the presenter
 * writes, with the JSON type it has in the seed's example. The OpenAPI document is generated from
 * these, and tests validate real answers against the generated JSON Schema, so a field added to or
 * retyped in the presenter fails a test until it is described here.
 */

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const flag = (what: string) => z.literal([0, 1]).describe(what);
const count = (what: string) => z.int().min(0).describe(what);
const dateText = (what: string) => z.string().regex(DATE_TIME).describe(`${what} (\`YYYY-MM-DD HH:MM:SS\`)`);

export const fileObjectSchema = z
  .strictObject({
    filename: z.string().describe('File name with extension'),
    name: z.string().describe('File name without extension'),
    mime: z.string().describe('MIME type'),
    extension: z.string().describe('Extension without the dot'),
    url: z.url().optional().describe('Direct URL (left out while the upload awaits moderation)'),
    size: count('Size in bytes'),
  })
  .describe('One stored file of an upload');

export const missingFileSchema = z
  .strictObject({
    filename: z.null(),
    name: z.null(),
    mime: z.null(),
    extension: z.null(),
    url: z.null().optional(),
  })
  .describe('Placeholder for a derivative that was not made (all fields null)');

export const tagSchema = z
  .strictObject({
    name: z.string(),
    name_safe_html: z.string().describe('The name, HTML-escaped'),
    url_key: z.string(),
    url: z.url().describe('The tag page'),
  })
  .describe('A tag of the upload');

const imageFields = {
  name: z.string().describe('Stored file name without extension'),
  extension: z.string().describe('Stored extension (`jpg`, `png`, `gif`, `webp`, `avif`, `mp4`, `mov`, `webm`; BMP is stored as `png`)'),
  size: count('Size of the stored file in bytes'),
  width: count('Width in pixels'),
  height: count('Height in pixels'),
  date: dateText('Date in the site time zone'),
  date_gmt: dateText('Date in UTC'),
  title: z.string().nullable().describe('Title (at most 100 characters)'),
  tags: z.array(tagSchema).describe('Tags (only for uploads made with a user key)'),
  description: z.string().nullable(),
  nsfw: flag('Not safe for work'),
  storage_mode: z.literal('datefolder').describe('Files live under `images/YYYY/MM/DD/`'),
  md5: z.string().regex(/^[0-9a-f]{32}$/).describe('MD5 of the stored file'),
  source_md5: z.string().nullable().describe('MD5 of the received bytes when they differ from the stored file'),
  original_filename: z.string().describe('File name as sent, or the URL basename'),
  original_exifdata: z.string().nullable().describe('EXIF of the upload as a JSON string (GPS removed unless kept); only in the answer to the upload'),
  views: count('Views'),
  category_id: z.int().nullable(),
  chain: z.int().min(0).max(31).describe('Bit set of stored files: 16 frame, 8 original, 4 image, 2 medium, 1 thumb'),
  thumb_size: count('Thumbnail size in bytes'),
  medium_size: count('Medium size in bytes (0 when there is none)'),
  frame_size: count('Video frame size in bytes (0 for images)'),
  expiration_date_gmt: dateText('When the upload is deleted automatically, in UTC').nullable(),
  likes: count('Likes'),
  is_animated: flag('Animated GIF, WEBP or PNG'),
  is_approved: flag('0 while the upload awaits moderation'),
  is_360: flag('360° picture'),
  duration: count('Video duration in whole seconds (0 for images)'),
  type: z.enum(['image', 'video']),
  tags_string: z.string().describe('Tags joined with `, `'),
  file: z.strictObject({ resource: z.strictObject({ type: z.literal('url') }) }),
  id_encoded: z.string().regex(/^[A-Za-z0-9]+$/).describe('Public id, as used in URLs'),
  filename: z.string().describe('Stored file name with extension'),
  mime: z.string().describe('MIME type of the stored file'),
  url: z.url().optional().describe('Direct URL of the file (left out while the upload awaits moderation)'),
  ratio: z.number().min(0).describe('Width divided by height'),
  size_formatted: z.string().describe('Size in decimal units, e.g. `1.5 MB`'),
  frame: fileObjectSchema.optional().describe('Video frame (JPEG poster) — videos only'),
  image: fileObjectSchema,
  medium: z.union([fileObjectSchema, missingFileSchema]).describe('500 px wide copy, when the picture is wider'),
  thumb: z.union([fileObjectSchema, missingFileSchema]).describe('Square thumbnail'),
  url_frame: z.union([z.url(), z.literal('')]).describe('Direct URL of the video frame, empty for images'),
  duration_time: z.string().regex(/^(\d{2,}:\d{2})?$/).describe('Duration as `MM:SS`, empty for images'),
  url_viewer: z.url().describe('Viewer page'),
  path_viewer: z.string().regex(/^\//).describe('Viewer page path, relative to the site root (the `redirect` format goes here)'),
  url_short: z.url().describe('Short viewer URL'),
  display_url: z.url().optional().describe('Best URL to show the upload in a page (medium, frame or the file)'),
  display_width: count('Width of display_url'),
  display_height: count('Height of display_url'),
  views_label: z.string().describe('"views" in the request language'),
  likes_label: z.string().describe('"likes" in the request language'),
  how_long_ago: z.string().describe('Upload time in words, in the request language'),
  date_fixed_peer: dateText('Date in UTC'),
  title_truncated: z.string(),
  title_truncated_html: z.string(),
  is_use_loader: z.boolean().describe('True for files large enough to deserve a loading placeholder'),
  display_title: z.string().describe('Title, or the file name when there is none'),
};

/** `delete_url` is part of the answer to the upload itself only. */
const deleteUrl = z.url().describe('Deletes the upload: GET shows a confirmation page, POST or DELETE deletes. Only the answer to the upload carries it');

/** An approved upload must carry its direct URLs; a video always has its frame. */
const rules = {
  allOf: [
    { if: { properties: { is_approved: { const: 1 } } }, then: { required: ['url', 'display_url'], properties: { image: { required: ['url'] } } } },
    { if: { properties: { type: { const: 'video' } } }, then: { required: ['frame'] } },
  ],
};

export const imageSchema = z
  .strictObject({ ...imageFields, delete_url: deleteUrl })
  .meta(rules)
  .describe('The uploaded image or video (Chevereto API v1.1 `image` object)');

/** ImgBB clients read `data`, which is the same object with `id` first. */
export const imgbbImageSchema = z
  .strictObject({ id: z.string().regex(/^[A-Za-z0-9]+$/).describe('Same as id_encoded'), ...imageFields, delete_url: deleteUrl })
  .meta(rules)
  .describe('The `image` object with `id` (ImgBB-compatible answer)');

const success = z.strictObject({ message: z.literal('file uploaded'), code: z.literal(200) });

export const uploadSuccessSchema = z
  .strictObject({ status_code: z.literal(200), success, image: imageSchema, status_txt: z.literal('OK') })
  .describe('Answer to a successful upload');

export const imgbbSuccessSchema = z
  .strictObject({ status_code: z.literal(200), status: z.literal(200), success, data: imgbbImageSchema, status_txt: z.literal('OK') })
  .describe('Answer to a successful upload when the request named its source `image` (ImgBB compatibility)');

export const errorEnvelopeSchema = z
  .strictObject({
    status_code: z.int().min(400).max(599).describe('Same as the HTTP status'),
    error: z.strictObject({
      message: z.string().describe('What went wrong, in words'),
      code: z.int().describe("Chevereto's numeric error code (kept for compatibility; not the HTTP status)"),
    }),
    status_txt: z.string().describe('Reason phrase of the HTTP status'),
  })
  .describe('Every error, under /api/1/ and /json/');
