import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { AppError } from '../errors/app-error.js';
import { fileTooBig, spoolToFile } from '../lib/spool.js';
import type { FetchedFile, UrlFetcher, UrlFetchOptions } from '../ports/url-fetcher.js';
import { parseHostLiteral, type AddressPolicy } from './ssrf-guard.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

export interface GuardedUrlFetcherOptions {
  readonly policy: AddressPolicy;
  /** Budget for the whole fetch: every redirect, every connect, and the body. */
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly userAgent?: string;
  readonly resolver?: HostResolver;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_USER_AGENT = 'Pinhole (image host; URL upload)';

async function systemResolver(host: string): Promise<ResolvedAddress[]> {
  const found = await dns.lookup(host, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

/** RFC 6761 reserves these for loopback; answering them ourselves keeps such names off the network. */
function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

const LOCALHOST_ADDRESSES: ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

function validateUrl(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('URL_INVALID', { detail: 'only http and https URLs are allowed' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('URL_INVALID', { detail: 'URLs with credentials are not allowed' });
  }
  if (url.hostname === '') throw new AppError('URL_INVALID', { detail: 'the URL has no host' });
}

function fileNameOf(url: URL): string | null {
  const raw = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const NETWORK_ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EAI_NONAME: 'host not found',
  ENODATA: 'host not found',
  EPROTO: 'TLS handshake failed',
  HPE_INVALID_CONSTANT: 'invalid HTTP response',
};

function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === undefined) return 'network error';
  if (code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'TLS certificate not trusted';
  if (code.startsWith('HPE_')) return 'invalid HTTP response';
  return NETWORK_ERROR_TEXT[code] ?? code;
}

/**
 * Fetches URL uploads behind the SSRF guard (SPEC-API A5). Every hop is vetted as a whole, scheme,
 * credentials and every resolved address, and the socket is then pinned to the vetted addresses, so
 * a DNS answer that changes between check and connect (rebinding) cannot steer us elsewhere.
 */
export class GuardedUrlFetcher implements UrlFetcher {
  private readonly policy: AddressPolicy;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly resolver: HostResolver;

  constructor(options: GuardedUrlFetcherOptions) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs;
    this.maxRedirects = options.maxRedirects;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.resolver = options.resolver ?? systemResolver;
  }

  async fetchToFile(url: string, options: UrlFetchOptions): Promise<FetchedFile> {
    let current: URL;
    try {
      current = new URL(url.trim());
    } catch {
      throw new AppError('URL_INVALID', { detail: 'not a valid URL' });
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const signal = controller.signal;
    try {
      for (let redirects = 0; ; redirects += 1) {
        validateUrl(current);
        const addresses = await this.vet(current.hostname, signal);
        const response = await this.request(current, addresses, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;

        if (REDIRECT_STATUSES.has(status) && location !== undefined) {
          response.destroy();
          if (redirects >= this.maxRedirects) {
            throw new AppError('URL_FETCH_FAILED', { detail: 'too many redirects' });
          }
          try {
            current = new URL(location, current);
          } catch {
            throw new AppError('URL_INVALID', { detail: 'invalid redirect location' });
          }
          continue;
        }
        if (status < 200 || status > 299) {
          response.destroy();
          throw new AppError('URL_FETCH_FAILED', { detail: `HTTP ${status}` });
        }

        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          response.destroy();
          throw fileTooBig(options.maxBytes);
        }
        const spooled = await spoolToFile(response, { dir: options.tempDir, maxBytes: options.maxBytes, signal });
        return { ...spooled, fileName: fileNameOf(current) };
      }
    } catch (error) {
      if (error instanceof AppError && error.code !== 'URL_FETCH_FAILED') throw error;
      if (signal.aborted) throw new AppError('URL_FETCH_TIMEOUT', { cause: error });
      if (error instanceof AppError) throw error;
      throw new AppError('URL_FETCH_FAILED', { detail: describeNetworkError(error), cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Returns the addresses the connection may use; refuses the host if any of them is forbidden. */
  private async vet(hostname: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    const literal = parseHostLiteral(hostname);
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [literal];
    } else if (isLocalhostName(hostname)) {
      addresses = LOCALHOST_ADDRESSES;
    } else {
      addresses = await abortable(this.resolver(hostname), signal);
    }
    if (addresses.length === 0) throw new AppError('URL_FETCH_FAILED', { detail: 'host not found' });
    // One forbidden answer is enough to refuse: a host that resolves to both a public and an internal
    // address is exactly what an attacker would set up.
    if (addresses.some((entry) => !this.policy.isAllowed(entry.address))) {
      throw new AppError('URL_FORBIDDEN');
    }
    return addresses;
  }

  private request(url: URL, addresses: readonly ResolvedAddress[], signal: AbortSignal): Promise<IncomingMessage> {
    const pinnedLookup = (
      _hostname: string,
      lookupOptions: LookupOptions,
      callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ): void => {
      if (lookupOptions.all) {
        callback(null, addresses.map((entry) => ({ address: entry.address, family: entry.family })));
        return;
      }
      const [first] = addresses;
      if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error('no vetted address'), { code: 'ENOTFOUND' }), '', 0);
    };
    const literal = parseHostLiteral(url.hostname);

    return new Promise<IncomingMessage>((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request({
        protocol: url.protocol,
        // A literal is connected to as-is (no lookup happens), in the canonical form we vetted.
        hostname: literal ? literal.address : url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: {
          'User-Agent': this.userAgent,
          Accept: '*/*',
          // Compressed bodies would let a small download expand past the byte cap once decoded.
          'Accept-Encoding': 'identity',
        },
        lookup: pinnedLookup,
        // A pooled socket could outlive the vetting that allowed it; every hop gets its own connection.
        agent: false,
        signal,
      });
      // Errors after the response arrives surface on the response stream; keep the listener so that
      // a late request error is never an unhandled 'error' event.
      request.on('error', reject);
      request.on('response', resolve);
      request.end();
    });
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
