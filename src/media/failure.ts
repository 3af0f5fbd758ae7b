import { AppError, isAppError } from '../errors/app-error.js';

/** Maps an error from sharp, ffmpeg or the file system into the catalogue; AppErrors pass through. */
export function asMediaError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT' || /no space left|quota exceeded/i.test(message)) {
    return new AppError('STORAGE_FULL', { cause: error });
  }
  // Our bugs, a missing binary or a vanished work folder are server faults, not the client's file.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError) {
    return new AppError('INTERNAL', { cause: error });
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EMFILE' || code === 'ENFILE') {
    return new AppError('INTERNAL', { cause: error });
  }
  if (/exceeds pixel limit/i.test(message)) return new AppError('TOO_MANY_PIXELS', { cause: error });
  // Details are shown to clients, so the decoder's own wording (paths, library names) stays in `cause`.
  return new AppError('UNDECODABLE', { cause: error });
}
