/**
 * Like Promise.all, but waits for every promise to settle before rejecting, so no encoder is still
 * writing a temp file when the caller starts removing them.
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(
  promises: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
