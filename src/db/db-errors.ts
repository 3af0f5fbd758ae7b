/** The driver's error code (`SQLITE_…` from better-sqlite3, SQLSTATE from pg), if any. */
export function driverErrorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/**
 * True for a unique or primary-key violation on either dialect, so callers (the container, adapters)
 * can turn a lost race on a unique column into a domain error without knowing the driver.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverErrorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
