import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, expect, vi } from 'vitest';
import { AppError, type ErrorCode } from '../../src/errors/app-error.js';
import { AddressPolicy } from '../../src/net/ssrf-guard.js';
import { GuardedUrlFetcher, type HostResolver, type ResolvedAddress } from '../../src/net/url-fetcher.js';

/**
 * Every server here is started by this file on loopback; nothing else is ever contacted. Names that
 * must not reach the system resolver go through an injected resolver, and http.request is watched so
 * a refused URL provably never produced a connection attempt.
 */

interface TestServer {
  readonly port: number;
  readonly hits: string[];
  readonly headers: http.IncomingHttpHeaders[];
  connections: number;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

const FILE = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31 + 7) % 256));
const FILE_SHA256 = createHash('sha256').update(FILE).digest('hex');

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const path = url.pathname;
  if (path === '/file.png' || path === '/dir/na%C3%AFve%20name.png' || path === '/') {
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': FILE.length });
    res.end(FILE);
  } else if (path === '/missing') {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<h1>not found</h1>');
  } else if (path === '/error') {
    res.writeHead(500);
    res.end();
  } else if (path.startsWith('/chain/')) {
    const left = Number(path.slice('/chain/'.length));
    res.writeHead(left === 0 ? 200 : 302, left === 0 ? {} : { Location: `/chain/${left - 1}` });
    res.end(left === 0 ? FILE : undefined);
  } else if (path === '/relative/hop') {
    res.writeHead(307, { Location: '../file.png' });
    res.end();
  } else if (path === '/loop') {
    res.writeHead(301, { Location: '/loop' });
    res.end();
  } else if (path === '/go') {
    res.writeHead(302, { Location: url.searchParams.get('to') ?? '/' });
    res.end();
  } else if (path === '/no-location') {
    res.writeHead(302);
    res.end();
  } else if (path === '/hang') {
    // Never answers.
  } else if (path === '/drip') {
    res.writeHead(200, { 'Content-Length': 1000 });
    res.write(Buffer.alloc(10));
  } else if (path === '/big-declared') {
    res.writeHead(200, { 'Content-Length': 10_000 });
    res.end(Buffer.alloc(10_000));
  } else if (path === '/big-chunked') {
    res.writeHead(200);
    const pump = (): void => {
      while (!res.destroyed && res.write(Buffer.alloc(1024, 1)));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  } else {
    res.writeHead(404);
    res.end();
  }
}

function startServer(host: string, handler = route, tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const hits: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const sockets = new Set<Socket>();
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    hits.push(req.url ?? '');
    headers.push(req.headers);
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  const state = { connections: 0 };
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        hits,
        headers,
        get connections() {
          return state.connections;
        },
        set connections(value: number) {
          state.connections = value;
        },
        sockets,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

let origin: TestServer; // 127.0.0.1
let other: TestServer; // 127.0.0.2
let v6: TestServer; // ::1
let tempDir: string;
let requestSpy: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  origin = await startServer('127.0.0.1');
  other = await startServer('127.0.0.2');
  v6 = await startServer('::1');
});

afterAll(async () => {
  await Promise.all([origin.close(), other.close(), v6.close()]);
});

beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'pinhole-fetch-'));
  for (const server of [origin, other, v6]) {
    server.hits.length = 0;
    server.headers.length = 0;
    server.connections = 0;
  }
  requestSpy = vi.spyOn(http, 'request');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tempDir, { recursive: true, force: true });
});

/** A resolver that proves the system resolver is never needed: unknown names fail loudly. */
function fakeResolver(table: Record<string, ResolvedAddress[]>, calls: string[] = []): HostResolver {
  return async (host) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`unexpected lookup of ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
}

function fetcher(allowCidrs: string[], extra: { timeoutMs?: number; maxRedirects?: number; resolver?: HostResolver } = {}): GuardedUrlFetcher {
  return new GuardedUrlFetcher({
    policy: new AddressPolicy(allowCidrs),
    timeoutMs: extra.timeoutMs ?? 5_000,
    maxRedirects: extra.maxRedirects ?? 5,
    resolver: extra.resolver ?? fakeResolver({}),
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await failure(promise);
  expect(error.code, error.message).toBe(code);
  return error;
}

async function expectNoTempFiles(): Promise<void> {
  expect(await readdir(tempDir)).toEqual([]);
}

const opts = (maxBytes = 1_000_000): { maxBytes: number; tempDir: string } => ({ maxBytes, tempDir });

describe('GuardedUrlFetcher refuses internal addresses without connecting', () => {
  const v4Spellings = [
    '127.0.0.1',
    '127.1',
    '2130706433',
    '0x7f000001',
    '0x7f.1',
    '017700000001',
    '0177.0.0.1',
    '127.0.0.1.',
    '127.0.0.2',
    '0.0.0.0',
    'localhost',
    'localhost.',
    'LOCALHOST',
    'LocalHost.',
    'anything.localhost',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::127.0.0.1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::]',
  ];
  it.each(v4Spellings)('http://%s:<origin port>/ → URL_FORBIDDEN', async (host) => {
    const calls: string[] = [];
    const guarded = fetcher([], { resolver: fakeResolver({}, calls) });
    await expectCode(guarded.fetchToFile(`http://${host}:${origin.port}/file.png`, opts()), 'URL_FORBIDDEN');
    expect(origin.connections).toBe(0);
    expect(other.connections).toBe(0);
    expect(origin.hits).toEqual([]);
    expect(requestSpy).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    await expectNoTempFiles();
  });

  it.each(['[::1]', '[::]', '[0:0:0:0:0:0:0:1]', '[::ffff:0:7f00:1]'])('http://%s:<v6 port>/ → URL_FORBIDDEN', async (host) => {
    await expectCode(fetcher([]).fetchToFile(`http://${host}:${v6.port}/file.png`, opts()), 'URL_FORBIDDEN');
    expect(v6.connections).toBe(0);
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '[fc00::1]',
    '[fd12::1]',
    '[fe80::1]',
    '[ff02::1]',
    '[64:ff9b::a00:1]',
    '[::ffff:169.254.169.254]',
  ])('http://%s/ → URL_FORBIDDEN before any connection', async (host) => {
    await expectCode(fetcher([]).fetchToFile(`http://${host}/latest/meta-data/`, opts()), 'URL_FORBIDDEN');
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it('refuses a name that resolves to a private address, before connecting', async () => {
    const calls: string[] = [];
    const resolver = fakeResolver({ 'internal.test': [{ address: '10.0.0.1', family: 4 }] }, calls);
    await expectCode(fetcher([], { resolver }).fetchToFile('http://internal.test/x.png', opts()), 'URL_FORBIDDEN');
    expect(calls).toEqual(['internal.test']);
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it('refuses a name when any one of its addresses is forbidden', async () => {
    const resolver = fakeResolver({
      'mixed.test': [
        { address: '8.8.8.8', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    await expectCode(fetcher([], { resolver }).fetchToFile('http://mixed.test/x.png', opts()), 'URL_FORBIDDEN');
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it('refuses a name resolving to a mapped loopback address', async () => {
    const resolver = fakeResolver({ 'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }] });
    await expectCode(fetcher([], { resolver }).fetchToFile(`http://mapped.test:${origin.port}/`, opts()), 'URL_FORBIDDEN');
    expect(origin.connections).toBe(0);
  });

  it('reports a resolution failure as URL_FETCH_FAILED', async () => {
    const error = await expectCode(fetcher([]).fetchToFile('http://unknown.test/x.png', opts()), 'URL_FETCH_FAILED');
    expect(error.publicMessage).toContain('host not found');
    expect(requestSpy).not.toHaveBeenCalled();
  });
});

describe('GuardedUrlFetcher URL rules', () => {
  it.each([
    'file:///etc/passwd',
    'ftp://127.0.0.1/file.png',
    'gopher://127.0.0.1:70/_x',
    'data:image/png;base64,iVBORw0KGgo=',
    'javascript:alert(1)',
    'ws://127.0.0.1/',
  ])('%s → URL_INVALID', async (url) => {
    const error = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(url, opts()), 'URL_INVALID');
    expect(error.publicMessage).toBe('Invalid image URL: only http and https URLs are allowed');
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it.each(['not a url', '', 'http://', 'http://[::1/'])('%j → URL_INVALID', async (url) => {
    await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(url, opts()), 'URL_INVALID');
  });

  it('refuses credentials in the URL', async () => {
    const error = await expectCode(
      fetcher(['127.0.0.0/8']).fetchToFile(`http://user:pass@127.0.0.1:${origin.port}/file.png`, opts()),
      'URL_INVALID',
    );
    expect(error.publicMessage).toContain('credentials');
    await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://user@127.0.0.1:${origin.port}/file.png`, opts()), 'URL_INVALID');
    expect(origin.connections).toBe(0);
  });
});

describe('GuardedUrlFetcher with loopback allowed', () => {
  it('fetches a file with correct hashes and name', async () => {
    const result = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/file.png?x=1#frag`, opts());
    expect(result.size).toBe(FILE.length);
    expect(result.sha256).toBe(FILE_SHA256);
    expect(result.fileName).toBe('file.png');
    expect(await readFile(result.path)).toEqual(FILE);
    expect(origin.hits).toEqual(['/file.png?x=1']);
    expect(origin.headers[0]?.['accept-encoding']).toBe('identity');
    expect(origin.headers[0]?.['user-agent']).toMatch(/Pinhole/);
    expect(origin.headers[0]?.host).toBe(`127.0.0.1:${origin.port}`);
  });

  it('decodes the file name and reports null for an empty one', async () => {
    const named = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/dir/na%C3%AFve%20name.png`, opts());
    expect(named.fileName).toBe('naïve name.png');
    const root = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/`, opts());
    expect(root.fileName).toBeNull();
  });

  it('connects to the vetted address and sends the original host name', async () => {
    const calls: string[] = [];
    const resolver = fakeResolver({ 'images.test': [{ address: '127.0.0.1', family: 4 }] }, calls);
    const result = await fetcher(['127.0.0.0/8'], { resolver }).fetchToFile(`http://images.test:${origin.port}/file.png`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
    expect(calls).toEqual(['images.test']);
    expect(origin.headers[0]?.host).toBe(`images.test:${origin.port}`);
  });

  it('fetches from an allowed IPv6 loopback literal', async () => {
    const result = await fetcher(['::1/128']).fetchToFile(`http://[::1]:${v6.port}/file.png`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
  });

  it('answers localhost itself, so it follows the allow list like any loopback address', async () => {
    const result = await fetcher(['127.0.0.0/8', '::1/128']).fetchToFile(`http://localhost:${origin.port}/file.png`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
    await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://localhost:${origin.port}/file.png`, opts()), 'URL_FORBIDDEN');
  });

  it('turns a 404 into URL_FETCH_FAILED', async () => {
    const error = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/missing`, opts()), 'URL_FETCH_FAILED');
    expect(error.publicMessage).toBe("Can't fetch target upload source (downstream): HTTP 404");
    await expectNoTempFiles();
  });

  it('turns a 500 and a redirect without Location into URL_FETCH_FAILED', async () => {
    const e500 = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/error`, opts()), 'URL_FETCH_FAILED');
    expect(e500.publicMessage).toContain('HTTP 500');
    const e302 = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/no-location`, opts()), 'URL_FETCH_FAILED');
    expect(e302.publicMessage).toContain('HTTP 302');
  });

  it('reports a refused connection as URL_FETCH_FAILED', async () => {
    const closed = await startServer('127.0.0.1');
    const port = closed.port;
    await closed.close();
    const error = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${port}/file.png`, opts()), 'URL_FETCH_FAILED');
    expect(error.publicMessage).toContain('connection refused');
  });

  it('follows a redirect chain up to the limit', async () => {
    const result = await fetcher(['127.0.0.0/8'], { maxRedirects: 5 }).fetchToFile(`http://127.0.0.1:${origin.port}/chain/5`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
    expect(result.fileName).toBe('0');
    expect(origin.hits).toEqual(['/chain/5', '/chain/4', '/chain/3', '/chain/2', '/chain/1', '/chain/0']);
  });

  it('resolves a relative Location against the current URL', async () => {
    const result = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/relative/hop`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
    expect(result.fileName).toBe('file.png');
    expect(origin.hits).toEqual(['/relative/hop', '/file.png']);
  });

  it('follows a redirect to another allowed host', async () => {
    const to = encodeURIComponent(`http://127.0.0.2:${other.port}/file.png`);
    const result = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts());
    expect(result.sha256).toBe(FILE_SHA256);
    expect(other.hits).toEqual(['/file.png']);
  });

  it('stops after maxRedirects with URL_FETCH_FAILED', async () => {
    const error = await expectCode(
      fetcher(['127.0.0.0/8'], { maxRedirects: 5 }).fetchToFile(`http://127.0.0.1:${origin.port}/loop`, opts()),
      'URL_FETCH_FAILED',
    );
    expect(error.publicMessage).toContain('too many redirects');
    expect(origin.hits).toHaveLength(6);
    await expectCode(
      fetcher(['127.0.0.0/8'], { maxRedirects: 2 }).fetchToFile(`http://127.0.0.1:${origin.port}/chain/3`, opts()),
      'URL_FETCH_FAILED',
    );
    await expectCode(
      fetcher(['127.0.0.0/8'], { maxRedirects: 0 }).fetchToFile(`http://127.0.0.1:${origin.port}/chain/1`, opts()),
      'URL_FETCH_FAILED',
    );
    await expectNoTempFiles();
  });
});

describe('GuardedUrlFetcher re-checks every redirect', () => {
  const onlyOrigin = ['127.0.0.1/32'];

  it('refuses a redirect to another loopback address', async () => {
    const to = encodeURIComponent(`http://127.0.0.2:${other.port}/file.png`);
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_FORBIDDEN');
    expect(origin.hits).toHaveLength(1);
    expect(other.connections).toBe(0);
    expect(requestSpy).toHaveBeenCalledTimes(1);
    await expectNoTempFiles();
  });

  it('refuses a redirect to IPv6 loopback', async () => {
    const to = encodeURIComponent(`http://[::1]:${v6.port}/file.png`);
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_FORBIDDEN');
    expect(v6.connections).toBe(0);
    expect(requestSpy).toHaveBeenCalledTimes(1);
  });

  it('refuses a redirect to a private address before connecting', async () => {
    const to = encodeURIComponent('http://10.0.0.1/file.png');
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_FORBIDDEN');
    expect(requestSpy).toHaveBeenCalledTimes(1);
  });

  it('refuses a redirect to a name resolving to a forbidden address', async () => {
    const resolver = fakeResolver({ 'evil.test': [{ address: '169.254.169.254', family: 4 }] });
    const to = encodeURIComponent('http://evil.test/latest/meta-data/');
    await expectCode(fetcher(onlyOrigin, { resolver }).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_FORBIDDEN');
    expect(requestSpy).toHaveBeenCalledTimes(1);
  });

  it('refuses a redirect to localhost', async () => {
    const to = encodeURIComponent(`http://localhost:${origin.port}/file.png`);
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_FORBIDDEN');
    expect(origin.hits).toHaveLength(1);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/x', 'gopher://127.0.0.1/x'])('refuses a redirect to %s', async (location) => {
    const to = encodeURIComponent(location);
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_INVALID');
    expect(requestSpy).toHaveBeenCalledTimes(1);
  });

  it('refuses a redirect carrying credentials', async () => {
    const to = encodeURIComponent(`http://a:b@127.0.0.1:${origin.port}/file.png`);
    await expectCode(fetcher(onlyOrigin).fetchToFile(`http://127.0.0.1:${origin.port}/go?to=${to}`, opts()), 'URL_INVALID');
    expect(origin.hits).toHaveLength(1);
  });
});

describe('GuardedUrlFetcher limits', () => {
  it('times out when the server never answers', async () => {
    const started = Date.now();
    await expectCode(fetcher(['127.0.0.0/8'], { timeoutMs: 300 }).fetchToFile(`http://127.0.0.1:${origin.port}/hang`, opts()), 'URL_FETCH_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
    await expectNoTempFiles();
  });

  it('times out while the body trickles in, leaving no temp file', async () => {
    await expectCode(fetcher(['127.0.0.0/8'], { timeoutMs: 300 }).fetchToFile(`http://127.0.0.1:${origin.port}/drip`, opts()), 'URL_FETCH_TIMEOUT');
    await expectNoTempFiles();
  });

  it('times out a slow resolver', async () => {
    const resolver: HostResolver = () => new Promise(() => undefined);
    await expectCode(fetcher([], { timeoutMs: 200, resolver }).fetchToFile('http://slow.test/x.png', opts()), 'URL_FETCH_TIMEOUT');
    expect(requestSpy).not.toHaveBeenCalled();
  });

  it('refuses a declared Content-Length over the cap', async () => {
    const error = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/big-declared`, opts(5_000)), 'FILE_TOO_BIG');
    expect(error.publicMessage).toBe('File too big - max 0.005 MB');
    await expectNoTempFiles();
  });

  it('stops a chunked body at the cap, leaving no temp file', async () => {
    await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/big-chunked`, opts(20_000)), 'FILE_TOO_BIG');
    await expectNoTempFiles();
    // The download was cut off, not drained: the server's socket goes away.
    await vi.waitFor(() => expect(origin.sockets.size).toBe(0));
  });

  it('accepts a body of exactly the cap', async () => {
    const result = await fetcher(['127.0.0.0/8']).fetchToFile(`http://127.0.0.1:${origin.port}/file.png`, opts(FILE.length));
    expect(result.size).toBe(FILE.length);
  });
});

describe('GuardedUrlFetcher TLS', () => {
  let tlsServer: TestServer | undefined;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pinhole-tls-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
          '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        { stdio: 'ignore' },
      );
      tlsServer = await startServer('127.0.0.1', route, { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) });
    } catch {
      tlsServer = undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await tlsServer?.close();
  });

  it('verifies certificates: a self-signed server is refused', async (context) => {
    if (!tlsServer) context.skip();
    const server = tlsServer as TestServer;
    const error = await expectCode(fetcher(['127.0.0.0/8']).fetchToFile(`https://127.0.0.1:${server.port}/file.png`, opts()), 'URL_FETCH_FAILED');
    expect(error.publicMessage).toContain('TLS');
    expect(server.hits).toEqual([]);
    await expectNoTempFiles();
  });
});
