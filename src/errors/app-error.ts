import { errorCatalogue, type ErrorCode } from './catalogue.js';

/** The only error type services throw. `detail` refines the public message (it is shown to clients). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly chevereto: number;
  readonly publicMessage: string;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options: { message?: string; detail?: string; retryAfter?: number; cause?: unknown } = {}) {
    const entry = errorCatalogue[code];
    const publicMessage = options.message ?? (options.detail ? `${entry.message}: ${options.detail}` : entry.message);
    super(publicMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = entry.status;
    this.chevereto = entry.chevereto;
    this.publicMessage = publicMessage;
    this.retryAfter = options.retryAfter;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export { errorCatalogue, type ErrorCode };
