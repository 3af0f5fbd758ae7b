/**
 * True for a unique or primary-key violation on either dialect, so callers (the container, adapters)
 * can turn a lost race on a unique column into a domain error without knowing the driver.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = error.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
