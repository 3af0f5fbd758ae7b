/**
 * The one catalogue of errors Pinhole can answer with. Each entry has a stable code, the HTTP status
 * (SPEC-API A3), the public message (Chevereto's wording where it has one) and Chevereto's numeric code.
 * `hint` tells a client what to do about it (shown on the API page and in docs/errors.md, which is
 * generated from this file: `npx tsx test/tools/write-errors-doc.ts`; a test keeps the two in step).
 */
export const errorCatalogue = {
  NO_VERSION: { status: 400, chevereto: 100, message: 'No version provided', hint: 'call `/api/1/upload`' },
  NO_ACTION: { status: 400, chevereto: 100, message: 'No action provided', hint: 'call `/api/1/upload`' },
  INVALID_VERSION: { status: 400, chevereto: 110, message: 'Invalid API version.', hint: 'the only version is `1`' },
  INVALID_ACTION: { status: 400, chevereto: 120, message: 'Invalid API action', hint: 'the only action is `upload`' },
  NO_KEY: { status: 401, chevereto: 100, message: 'No key provided', hint: 'send the key in the `X-API-Key` header (or the `key` parameter)' },
  INVALID_KEY: { status: 401, chevereto: 100, message: 'Invalid API key.', hint: 'the key is wrong, revoked or its account disabled; create a key in settings (`/settings/api`) or with `pinhole key create`' },
  REQUEST_DENIED: { status: 403, chevereto: 401, message: 'Request denied', hint: 'this key may not upload; ask the site admin' },
  ADMIN_ONLY: { status: 403, chevereto: 403, message: 'This parameter is only available to admin keys', hint: '`use_file_date` needs an admin key' },
  EMPTY_SOURCE: { status: 400, chevereto: 130, message: 'Empty upload source', hint: 'send `source` (file, base64 or URL)' },
  MULTIPLE_SOURCES: { status: 400, chevereto: 130, message: 'Only one upload source is allowed', hint: 'send one `source` per request' },
  BASE64_NEEDS_POST: { status: 400, chevereto: 130, message: 'Upload using base64 source must be done using POST method.', hint: 'send base64 in a POST body' },
  INVALID_BASE64: { status: 400, chevereto: 120, message: 'Invalid base64 string', hint: 'the base64 text has characters outside the alphabet' },
  EMPTY_BASE64: { status: 400, chevereto: 130, message: 'Empty source', hint: 'the base64 text is empty' },
  URL_UPLOADS_DISABLED: { status: 403, chevereto: 403, message: 'URL uploading is disabled', hint: 'URL sources are off on this site (or for admins only); send the file itself' },
  URL_INVALID: { status: 400, chevereto: 622, message: 'Invalid image URL', hint: 'only http and https URLs without credentials' },
  URL_FORBIDDEN: { status: 403, chevereto: 400, message: 'URL points to a forbidden address', hint: 'the URL resolves to a private, loopback or reserved address' },
  URL_FETCH_FAILED: { status: 400, chevereto: 600, message: "Can't fetch target upload source (downstream)", hint: 'the remote server did not answer 2xx (the detail says why)' },
  URL_FETCH_TIMEOUT: { status: 504, chevereto: 600, message: "Can't fetch target upload source (timeout)", hint: 'the remote server was too slow; retry later' },
  FLOOD: { status: 429, chevereto: 130, message: 'Flooding detected', hint: 'too many uploads in a short time; wait `Retry-After` seconds' },
  DUPLICATE: { status: 409, chevereto: 101, message: 'Duplicated upload', hint: 'the same file was uploaded before and this site rejects duplicates; use the earlier upload' },
  FILE_TOO_BIG: { status: 413, chevereto: 400, message: 'File too big', hint: 'the file is over the byte limit; send a smaller file or resize it first' },
  TOO_MANY_PIXELS: { status: 413, chevereto: 400, message: 'Image too large', hint: 'the picture is over the pixel limit; scale it down first' },
  TOO_MANY_FRAMES: { status: 413, chevereto: 400, message: 'Animation has too many frames', hint: 'the animation is over the frame limit' },
  VIDEO_TOO_LONG: { status: 413, chevereto: 400, message: 'Video too long', hint: 'the clip is over the duration limit' },
  UNSUPPORTED_TYPE: { status: 415, chevereto: 613, message: 'Unavailable image format', hint: 'send JPEG, PNG, BMP, GIF, WEBP, AVIF, MP4, MOV or WEBM' },
  UNDECODABLE: { status: 422, chevereto: 610, message: "Can't get target upload source info", hint: 'the file is damaged or truncated' },
  INVALID_VIDEO: { status: 422, chevereto: 100, message: 'Invalid video file provided', hint: 'the video has no picture or no duration' },
  ALBUM_NOT_FOUND: { status: 404, chevereto: 404, message: 'Album not found', hint: 'the album does not exist or is not yours (guest uploads cannot name albums)' },
  INVALID_EXPIRATION: { status: 400, chevereto: 400, message: 'Invalid expiration', hint: 'use whole seconds or an ISO-8601 duration such as `PT5M` or `P3D`' },
  INVALID_PARAMETER: { status: 400, chevereto: 400, message: 'Invalid parameter', hint: 'the message names the parameter and the rule it broke' },
  BAD_REQUEST: { status: 400, chevereto: 400, message: 'Malformed request', hint: 'the body is malformed or cut off; check how the client builds it' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, chevereto: 400, message: 'Unsupported request content type', hint: 'use multipart/form-data, urlencoded or JSON' },
  NOT_FOUND: { status: 404, chevereto: 404, message: 'Not found', hint: 'unknown path; the upload URL is `/api/1/upload`' },
  METHOD_NOT_ALLOWED: { status: 405, chevereto: 405, message: 'Method not allowed', hint: 'use POST (recommended) or GET' },
  REQUEST_TIMEOUT: { status: 408, chevereto: 408, message: 'Request timeout', hint: 'the request took too long; retry' },
  HEADERS_TOO_LARGE: { status: 431, chevereto: 400, message: 'Request header fields too large', hint: 'the request head is over 16 KB; send fewer or shorter headers (cookies, long query strings)' },
  STORAGE_FULL: { status: 507, chevereto: 104, message: 'No space left on storage', hint: 'the server is out of disk space; retry later' },
  SERVICE_UNAVAILABLE: { status: 503, chevereto: 503, message: 'Service unavailable', hint: 'the server is starting or stopping; retry' },
  INTERNAL: { status: 500, chevereto: 500, message: 'Internal server error', hint: 'a bug or fault; the message carries the request id for the logs' },
} as const satisfies Record<string, { status: number; chevereto: number; message: string; hint: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
