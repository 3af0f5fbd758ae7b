export interface FetchedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** Basename of the final URL's path (decoded), or null. */
  readonly fileName: string | null;
}

export interface UrlFetchOptions {
  readonly maxBytes: number;
  /** Folder to write the temp file into. */
  readonly tempDir: string;
}

/**
 * Fetches a URL source into a temp file through the SSRF guard. Throws AppError:
 * URL_INVALID, URL_FORBIDDEN, URL_FETCH_FAILED, URL_FETCH_TIMEOUT, FILE_TOO_BIG.
 */
export interface UrlFetcher {
  fetchToFile(url: string, options: UrlFetchOptions): Promise<FetchedFile>;
}
