import { AppError, isAppError } from '../errors/app-error.js';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Turns anything thrown into an AppError: our own pass through; framework and parser errors map to
 * the catalogue (SPEC-API A20); everything else is an internal error whose details stay in the log.
 */
export function toAppError(error: unknown, maxBytes: number): AppError {
  if (isAppError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  const tooBig = `File too big - max ${maxBytes / 1_000_000} MB`;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('FILE_TOO_BIG', { message: tooBig });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: 'use multipart/form-data, application/x-www-form-urlencoded or application/json' });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('BAD_REQUEST', { detail: 'too many form parts' });
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_REQUEST', { detail: typeof e.message === 'string' ? e.message : 'malformed body' });
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'ENOSPC':
    case 'EDQUOT':
    // The database ran out of room: SQLite says SQLITE_FULL, PostgreSQL disk_full (53100).
    case 'SQLITE_FULL':
    case '53100':
      return new AppError('STORAGE_FULL');
    default:
      break;
  }
  if (status === 404) return new AppError('NOT_FOUND');
  if (status === 408) return new AppError('REQUEST_TIMEOUT');
  if (status === 413) return new AppError('FILE_TOO_BIG', { message: tooBig });
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status >= 400 && status < 500) {
    // Busboy and the body parsers report malformed input this way ("Unexpected end of form", bad JSON).
    return new AppError('BAD_REQUEST', { detail: typeof e.message === 'string' ? e.message.slice(0, 200) : 'malformed request' });
  }
  return new AppError('INTERNAL', { cause: error });
}
