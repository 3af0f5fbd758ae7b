import { STATUS_CODES } from 'node:http';
import type { AppError } from '../errors/app-error.js';

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Chevereto's error envelope, with the real HTTP status (SPEC-API A3). */
export function errorEnvelope(error: AppError): Record<string, unknown> {
  return {
    status_code: error.status,
    error: { message: error.publicMessage, code: error.chevereto },
    status_txt: statusText(error.status),
  };
}

/** Headers of every API answer: never cached by browsers or proxies. */
export const NO_STORE_HEADERS = {
  'cache-control': 'no-store, no-cache, must-revalidate',
  pragma: 'no-cache',
  expires: '0',
} as const;
