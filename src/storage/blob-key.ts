/**
 * The one rule for what a stored key may look like: the Chevereto "datefolder" layout
 * `YYYY/MM/DD/name.ext`. Both the stores and the media route check it, so user text never
 * reaches a filesystem call or an object-store request unless it is already a well-formed key.
 */
const KEY_PATTERN = /^[0-9]{4}\/[0-9]{2}\/[0-9]{2}\/[A-Za-z0-9._-]+$/;

/** NAME_MAX on common filesystems; a longer name would only fail later with ENAMETOOLONG. */
const MAX_NAME_LENGTH = 255;

export function isValidBlobKey(key: unknown): key is string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) return false;
  const name = key.slice(11);
  // A leading dot would hide the file from listings and "." / ".." would escape the date folder.
  return !name.startsWith('.') && !name.includes('..') && name.length <= MAX_NAME_LENGTH;
}

/** A caller passed a key it built wrongly; this is a bug, not a client error. */
export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`Invalid blob key: ${JSON.stringify(key.slice(0, 300))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

/**
 * putFile() found the key taken. `code` mirrors Node's errno so callers can test
 * `error.code === 'EEXIST'` without importing a storage adapter.
 */
export class BlobKeyTakenError extends Error {
  readonly code = 'EEXIST';
  constructor(key: string, options?: { cause?: unknown }) {
    super(`Blob key already exists: ${key}`, options);
    this.name = 'BlobKeyTakenError';
  }
}

export function assertValidBlobKey(key: string): void {
  if (!isValidBlobKey(key)) throw new InvalidBlobKeyError(key);
}
