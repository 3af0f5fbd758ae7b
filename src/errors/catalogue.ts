/**
 * The one catalogue of errors Pinhole can answer with. Each entry has a stable code, the HTTP status
 * (SPEC-API A3), the public message (Chevereto's wording where it has one) and Chevereto's numeric code.
 * docs/errors.md documents every entry; a test keeps the two in step.
 */
export const errorCatalogue = {
  NO_VERSION: { status: 400, chevereto: 100, message: 'No version provided' },
  NO_ACTION: { status: 400, chevereto: 100, message: 'No action provided' },
  INVALID_VERSION: { status: 400, chevereto: 110, message: 'Invalid API version.' },
  INVALID_ACTION: { status: 400, chevereto: 120, message: 'Invalid API action' },
  NO_KEY: { status: 401, chevereto: 100, message: 'No key provided' },
  INVALID_KEY: { status: 401, chevereto: 100, message: 'Invalid API key.' },
  REQUEST_DENIED: { status: 403, chevereto: 401, message: 'Request denied' },
  ADMIN_ONLY: { status: 403, chevereto: 403, message: 'This parameter is only available to admin keys' },
  EMPTY_SOURCE: { status: 400, chevereto: 130, message: 'Empty upload source' },
  MULTIPLE_SOURCES: { status: 400, chevereto: 130, message: 'Only one upload source is allowed' },
  BASE64_NEEDS_POST: { status: 400, chevereto: 130, message: 'Upload using base64 source must be done using POST method.' },
  INVALID_BASE64: { status: 400, chevereto: 120, message: 'Invalid base64 string' },
  EMPTY_BASE64: { status: 400, chevereto: 130, message: 'Empty source' },
  URL_UPLOADS_DISABLED: { status: 403, chevereto: 403, message: 'URL uploading is disabled' },
  URL_INVALID: { status: 400, chevereto: 622, message: 'Invalid image URL' },
  URL_FORBIDDEN: { status: 403, chevereto: 400, message: 'URL points to a forbidden address' },
  URL_FETCH_FAILED: { status: 400, chevereto: 600, message: "Can't fetch target upload source (downstream)" },
  URL_FETCH_TIMEOUT: { status: 504, chevereto: 600, message: "Can't fetch target upload source (timeout)" },
  FLOOD: { status: 429, chevereto: 130, message: 'Flooding detected' },
  DUPLICATE: { status: 409, chevereto: 101, message: 'Duplicated upload' },
  FILE_TOO_BIG: { status: 413, chevereto: 400, message: 'File too big' },
  TOO_MANY_PIXELS: { status: 413, chevereto: 400, message: 'Image too large' },
  TOO_MANY_FRAMES: { status: 413, chevereto: 400, message: 'Animation has too many frames' },
  VIDEO_TOO_LONG: { status: 413, chevereto: 400, message: 'Video too long' },
  UNSUPPORTED_TYPE: { status: 415, chevereto: 613, message: 'Unavailable image format' },
  UNDECODABLE: { status: 422, chevereto: 610, message: "Can't get target upload source info" },
  INVALID_VIDEO: { status: 422, chevereto: 100, message: 'Invalid video file provided' },
  ALBUM_NOT_FOUND: { status: 404, chevereto: 404, message: 'Album not found' },
  INVALID_EXPIRATION: { status: 400, chevereto: 400, message: 'Invalid expiration' },
  INVALID_PARAMETER: { status: 400, chevereto: 400, message: 'Invalid parameter' },
  BAD_REQUEST: { status: 400, chevereto: 400, message: 'Malformed request' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, chevereto: 400, message: 'Unsupported request content type' },
  NOT_FOUND: { status: 404, chevereto: 404, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, chevereto: 405, message: 'Method not allowed' },
  REQUEST_TIMEOUT: { status: 408, chevereto: 408, message: 'Request timeout' },
  STORAGE_FULL: { status: 507, chevereto: 104, message: 'No space left on storage' },
  SERVICE_UNAVAILABLE: { status: 503, chevereto: 503, message: 'Service unavailable' },
  INTERNAL: { status: 500, chevereto: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; chevereto: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
