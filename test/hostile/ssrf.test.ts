/**
 * Issue 4, item 4: SSRF through the API. A server with no private allowance is sent URL sources for
 * loopback, private, link-local, CGNAT, unique-local and multicast addresses in every spelling, host
 * names that resolve to such addresses, and other schemes; a second server, allowed 127.0.0.1/32
 * only, is redirected from there to forbidden places. A counting origin listening on every local
 * address proves that nothing was fetched.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import type { ApiAnswer } from '../helpers/upload.js';
import { CountingOrigin, locallyResolvingNames } from './helpers/origin.js';
import { recordFigures } from './helpers/figures.js';
import { isEnvelope, outcomeProblems, settledFootprint } from './helpers/outcome.js';
import { postMultipart, toAnswer } from './helpers/raw-http.js';
import { aliceHeaders, observe, startHostileServer } from './helpers/servers.js';

let closed: TestServer;
let narrow: TestServer;
let target: CountingOrigin;
let redirector: CountingOrigin;
let picture: Buffer;
let refusedUrls = 0;

beforeAll(async () => {
  await generateHostileFixtures();
  picture = await readFile(hostilePath('seed.jpg'));
  target = await new CountingOrigin((_url, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture)).start();
  redirector = await new CountingOrigin((url, res) => {
    const to = new URL(url, 'http://x').searchParams.get('to');
    if (to === null) res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture);
    else res.writeHead(302, { location: to }).end();
  }).start();
  // No private range allowed (the test default allows 127.0.0.0/8).
  closed = await startHostileServer({ PINHOLE_URL_ALLOW_PRIVATE: '', PINHOLE_URL_TIMEOUT_MS: '3000' });
  narrow = await startHostileServer({ PINHOLE_URL_ALLOW_PRIVATE: '127.0.0.1/32', PINHOLE_URL_TIMEOUT_MS: '3000' });
});
afterAll(async () => {
  await recordFigures('ssrf', { urlsRefused: refusedUrls, forbiddenHits: target?.hits.filter((h) => h !== '/allowed.jpg').length });
  await closed?.stop();
  await narrow?.stop();
  await target?.stop();
  await redirector?.stop();
});

/** Every way a URL source can arrive: urlencoded, multipart text, JSON, GET query, ImgBB `image`. */
async function sendUrl(server: TestServer, url: string, via: number): Promise<ApiAnswer> {
  const headers = aliceHeaders(server);
  switch (via % 5) {
    case 0:
      return toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers, body: new URLSearchParams({ source: url }) }));
    case 1:
      return postMultipart(server.url, [{ name: 'source', body: url }], headers);
    case 2:
      return toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source: url }) }));
    case 3:
      return toAnswer(await fetch(`${server.url}/api/1/upload?source=${encodeURIComponent(url)}`, { headers }));
    default:
      return toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers, body: new URLSearchParams({ image: url }) }));
  }
}

async function expectRefused(server: TestServer, urls: readonly string[]): Promise<void> {
  for (const [i, url] of urls.entries()) {
    const before = await settledFootprint(observe(server));
    const a = await sendUrl(server, url, i);
    expect(a.status >= 400 && a.status < 500 && isEnvelope(a), `${url}: ${a.status} ${a.text.slice(0, 200)}`).toBe(true);
    expect(await outcomeProblems(observe(server), a, before), url).toEqual([]);
    refusedUrls += 1;
  }
}

const spellings = (port: number) => [
  // loopback, every spelling
  `http://127.0.0.1:${port}/a.jpg`, `http://127.1:${port}/a.jpg`, `http://127.0.1:${port}/a.jpg`, `http://2130706433:${port}/a.jpg`,
  `http://0x7f000001:${port}/a.jpg`, `http://0x7f.0x0.0x0.0x1:${port}/a.jpg`, `http://017700000001:${port}/a.jpg`, `http://0177.0.0.01:${port}/a.jpg`,
  `http://127.0.0.1.:${port}/a.jpg`, `http://127.000.000.001:${port}/a.jpg`, `http://%31%32%37.0.0.1:${port}/a.jpg`, `http://127\u30020\u30020\u30021:${port}/a.jpg`,
  `http://\uff11\uff12\uff17.0.0.1:${port}/a.jpg`, `http://127.255.255.254:${port}/a.jpg`,
  `http://localhost:${port}/a.jpg`, `http://LOCALHOST.:${port}/a.jpg`, `http://localhost..:${port}/a.jpg`, `http://a.b.localhost:${port}/a.jpg`,
  `http://[::1]:${port}/a.jpg`, `http://[0:0:0:0:0:0:0:1]:${port}/a.jpg`, `http://[::ffff:127.0.0.1]:${port}/a.jpg`, `http://[::ffff:7f00:1]:${port}/a.jpg`,
  `http://[::127.0.0.1]:${port}/a.jpg`, `http://[64:ff9b::127.0.0.1]:${port}/a.jpg`, `http://[2002:7f00:1::]:${port}/a.jpg`, `http://[::ffff:0:127.0.0.1]:${port}/a.jpg`,
  // "this host"
  `http://0.0.0.0:${port}/a.jpg`, `http://0:${port}/a.jpg`, `http://[::]:${port}/a.jpg`, `http://[::ffff:0.0.0.0]:${port}/a.jpg`,
  // private, link-local (cloud metadata), CGNAT, unique-local, multicast, broadcast, reserved
  'http://10.0.0.1/a.jpg', 'http://172.16.0.1/a.jpg', 'http://172.31.255.255/a.jpg', 'http://192.168.1.1/a.jpg', 'http://0xa9fea9fe/latest/meta-data/',
  'http://169.254.169.254/latest/meta-data/', 'http://2852039166/latest/meta-data/', 'http://[::ffff:169.254.169.254]/latest/meta-data/', 'http://[fd00:ec2::254]/latest/meta-data/',
  'http://100.64.0.1/a.jpg', 'http://100.127.255.254/a.jpg', 'http://[fd12:3456::1]/a.jpg', 'http://[fc00::1]/a.jpg', 'http://[fe80::1]/a.jpg',
  'http://224.0.0.1/a.jpg', 'http://239.255.255.250/a.jpg', 'http://[ff02::1]/a.jpg', 'http://255.255.255.255/a.jpg', 'http://240.0.0.1/a.jpg',
  'http://192.0.0.8/a.jpg', 'http://198.18.0.1/a.jpg', 'http://[::ffff:10.0.0.1]/a.jpg', 'http://[64:ff9b::a00:1]/a.jpg', 'http://[2001::1]/a.jpg',
  // parser confusion around the authority
  `http:/127.0.0.1:${port}/a.jpg`, `http:\\\\127.0.0.1:${port}\\a.jpg`, ` HTTP://127.0.0.1:${port}/a.jpg`, `http://127.0.0.1:${port}#@example.com/a.jpg`,
  `http://127.0.0.1:${port}\\@example.com/a.jpg`, `http://example.com@127.0.0.1:${port}/a.jpg`, `http://127.0.0.1:${port}@example.com/a.jpg`,
];

const schemes = (port: number) => [
  'file:///etc/passwd', 'file://localhost/etc/passwd', 'FILE:///etc/passwd', `ftp://127.0.0.1:${port}/a.jpg`, `gopher://127.0.0.1:${port}/_GET%20/a.jpg`,
  `dict://127.0.0.1:${port}/info`, `ldap://127.0.0.1:${port}/`, `ws://127.0.0.1:${port}/`, 'jar:file:///x.jar!/a.jpg', 'netdoc:///etc/passwd',
  'javascript:alert(1)//', 'data:text/html,<script>alert(1)</script>', 'data:image/svg+xml,<svg onload=alert(1)>', `//127.0.0.1:${port}/a.jpg`,
];

describe('URL sources to forbidden addresses are refused and nothing is fetched', () => {
  it('every spelling of loopback, private, link-local, CGNAT, unique-local and multicast', { timeout: 120_000 }, async () => {
    await expectRefused(closed, spellings(target.port));
    expect(target.hits).toEqual([]);
  });

  it('host names that resolve to local addresses', async () => {
    const names = await locallyResolvingNames();
    if (names.length === 0) console.warn('no host name resolves to a local address here; only localhost names were tried');
    await expectRefused(closed, names.map(({ name }) => `http://${name}:${target.port}/named.jpg`));
    expect(target.hits).toEqual([]);
  });

  it('schemes other than http and https', async () => {
    await expectRefused(closed, schemes(target.port));
    expect(target.hits).toEqual([]);
  });
});

describe('redirects from an allowed server to a forbidden one', () => {
  const via = (to: string) => `http://127.0.0.1:${redirector.port}/r?to=${encodeURIComponent(to)}`;

  it('the allowed server itself is fetched (so the refusals below mean something)', async () => {
    const direct = await sendUrl(narrow, `http://127.0.0.1:${redirector.port}/ok.jpg`, 0);
    expect(direct.status, direct.text.slice(0, 200)).toBe(200);
    const redirected = await sendUrl(narrow, via(`http://127.0.0.1:${target.port}/allowed.jpg`), 0);
    expect(redirected.status, redirected.text.slice(0, 200)).toBe(200);
    expect(target.hitsOn('/allowed.jpg')).toBe(1);
  });

  it('to 127.0.0.2, [::1], localhost and every other forbidden place', { timeout: 120_000 }, async () => {
    const p = target.port;
    const forbidden = [
      `http://127.0.0.2:${p}/f.jpg`, `http://[::1]:${p}/f.jpg`, `http://localhost:${p}/f.jpg`, `http://2130706434:${p}/f.jpg`, `http://[::ffff:127.0.0.2]:${p}/f.jpg`,
      `http://0.0.0.0:${p}/f.jpg`, `http://127.0.0.2.:${p}/f.jpg`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/f.jpg', 'http://[fd00::1]/f.jpg',
      'file:///etc/passwd', `gopher://127.0.0.1:${p}/_f`, `ftp://127.0.0.1:${p}/f.jpg`, 'data:image/png;base64,iVBORw0KGgo=', `//127.0.0.2:${p}/f.jpg`,
    ];
    await expectRefused(narrow, forbidden.map(via));
    // Two allowed hops, then a forbidden one.
    await expectRefused(narrow, [via(via(`http://127.0.0.2:${p}/f.jpg`))]);
    expect(target.hitsOn('/f.jpg')).toBe(0);
    expect(target.hits.filter((h) => h !== '/allowed.jpg')).toEqual([]);
  });

  it('endless redirects stop at the limit', async () => {
    const loop = `http://127.0.0.1:${redirector.port}/loop`;
    let url = `${loop}?end=1`;
    for (let i = 0; i < 8; i++) url = via(url);
    await expectRefused(narrow, [url]);
  });
});
