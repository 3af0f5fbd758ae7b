/**
 * The socket front over a real node:http server on loopback: what it answers is what Node.js would
 * have written, and every request it does not take (another path, a body, a split head, HTTP/1.0,
 * Connection: close, a client not reading) reaches Node.js intact and in order on the same connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installSocketFront, type FrontRequest, type SocketFront } from '../../src/http/socket-front.js';
import { RawClient, type WireResponse } from '../helpers/raw-socket.js';

const FAST_BODY = Buffer.from('fast bytes '.repeat(100));
const FIELDS = ['content-type', 'image/jpeg', 'cache-control', 'public, max-age=31536000, immutable', 'etag', '"v1"', 'content-length', String(FAST_BODY.length)];

interface Harness {
  readonly url: string;
  readonly server: http.Server;
  readonly front: SocketFront;
  /** Requests Node.js's server got ("METHOD url body-length"). */
  readonly node: string[];
  /** Requests the front was offered. */
  readonly offered: FrontRequest[];
}

const open: Harness[] = [];

afterEach(async () => {
  for (const h of open.splice(0)) {
    h.front.stop();
    h.server.closeAllConnections();
    await new Promise((resolve) => h.server.close(resolve));
  }
});

/** A server answering /fast… (from Node.js too, with the same fields) and anything else by echoing it. */
async function start(options: { keepAliveTimeout?: number; headersTimeout?: number; body?: Buffer } = {}): Promise<Harness> {
  const node: string[] = [];
  const offered: FrontRequest[] = [];
  const body = options.body ?? FAST_BODY;
  const fields = FIELDS.map((v, i) => (i === FIELDS.length - 1 ? String(body.length) : v));
  const head = Buffer.from(`HTTP/1.1 200 OK\r\n${fields.map((v, i) => (i % 2 === 0 ? `${v}: ` : `${v}\r\n`)).join('')}`, 'latin1');
  const server = http.createServer((req, res) => {
    let length = 0;
    req.on('data', (c: Buffer) => (length += c.length));
    req.on('end', () => {
      node.push(`${req.method} ${req.url} ${length}`);
      if (req.url?.startsWith('/fast')) {
        res.writeHead(200, fields);
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      const text = `node ${req.method} ${req.url} ${length}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? 5_000;
  if (options.headersTimeout !== undefined) server.headersTimeout = options.headersTimeout;
  const front = installSocketFront(
    server,
    (request) => {
      offered.push(request);
      return request.url.startsWith('/fast') ? { head, body } : null;
    },
    { maxHeaderSize: 16 * 1024 },
  );
  if (front === null) throw new Error('the socket front is not available on this Node.js');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const h = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, front, node, offered };
  open.push(h);
  return h;
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
const withoutDate = (r: WireResponse) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'date'));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('socket front', () => {
  it('writes what Node.js writes for the same answer, Date and keep-alive lines included', async () => {
    const h = await start({ keepAliveTimeout: 7_000 });
    const fresh = await RawClient.open(h.url);
    await fresh.write(get('/fast/a'));
    const fromFront = await fresh.next();
    expect(h.front.answered).toBe(1);
    expect(h.node).toEqual([]);

    // A connection whose first request went to Node.js stays with it.
    const mixed = await RawClient.open(h.url);
    await mixed.write(get('/page'));
    expect((await mixed.next()).body.toString()).toBe('node GET /page 0');
    await mixed.write(get('/fast/a'));
    const fromNode = await mixed.next();
    expect(h.node).toEqual(['GET /page 0', 'GET /fast/a 0']);
    expect(h.front.answered).toBe(1);

    expect(fromFront.status).toBe(200);
    expect(withoutDate(fromFront)).toEqual(withoutDate(fromNode));
    expect(fromFront.headers['keep-alive']).toBe('timeout=7');
    expect(fromFront.headers.connection).toBe('keep-alive');
    expect(new Date(fromFront.headers.date ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(fromFront.body.equals(FAST_BODY)).toBe(true);
    expect(fromNode.body.equals(FAST_BODY)).toBe(true);
    fresh.destroy();
    mixed.destroy();
  });

  it('keeps answering on one connection, HEAD without a body, and hands over at the first request it does not take', async () => {
    const h = await start();
    const c = await RawClient.open(h.url);
    for (let i = 0; i < 3; i++) {
      await c.write(get(`/fast/${i}`));
      expect((await c.next()).body.equals(FAST_BODY)).toBe(true);
    }
    await c.write(`HEAD /fast/h HTTP/1.1\r\nHost: t\r\n\r\n`);
    const head = await c.next(true);
    expect(head.headers['content-length']).toBe(String(FAST_BODY.length));
    expect(h.front.answered).toBe(4);
    expect(h.front.connections).toBe(1);
    await c.write(get('/other'));
    expect((await c.next()).body.toString()).toBe('node GET /other 0');
    expect(h.front.connections).toBe(0);
    await c.write(get('/fast/after'));
    expect((await c.next()).body.equals(FAST_BODY)).toBe(true);
    expect(h.node).toEqual(['GET /other 0', 'GET /fast/after 0']);
    expect(c.unread).toBe(0);
    c.destroy();
  });

  it('answers pipelined requests in order when one in the middle goes to Node.js', async () => {
    const h = await start();
    const c = await RawClient.open(h.url);
    await c.write(get('/fast/1') + get('/slow/2') + get('/fast/3') + get('/slow/4'));
    const answers = [await c.next(), await c.next(), await c.next(), await c.next()];
    expect(answers.map((a) => (a.body.equals(FAST_BODY) ? 'fast' : a.body.toString()))).toEqual(['fast', 'node GET /slow/2 0', 'fast', 'node GET /slow/4 0']);
    expect(h.front.answered).toBe(1);
    expect(h.node).toEqual(['GET /slow/2 0', 'GET /fast/3 0', 'GET /slow/4 0']);
    c.destroy();
  });

  it('passes a head split over two reads to Node.js whole', async () => {
    const h = await start();
    const c = await RawClient.open(h.url);
    const request = get('/fast/split', 'If-None-Match: "x"\r\n');
    await c.write(request.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await c.write(request.slice(20));
    expect((await c.next()).body.equals(FAST_BODY)).toBe(true);
    expect(h.node).toEqual(['GET /fast/split 0']);
    expect(h.front.answered).toBe(0);
    c.destroy();
  });

  it('leaves bodies, HTTP/1.0, Connection: close, Expect and bad heads to Node.js', async () => {
    const h = await start();
    const post = await RawClient.open(h.url);
    await post.write(`POST /fast/p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello`);
    expect((await post.next()).body.equals(FAST_BODY)).toBe(true);
    const bodyOnGet = await RawClient.open(h.url);
    await bodyOnGet.write(`GET /fast/g HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc`);
    expect((await bodyOnGet.next()).status).toBe(200);
    const old = await RawClient.open(h.url);
    await old.write(`GET /fast/old HTTP/1.0\r\n\r\n`);
    expect((await old.next()).body.equals(FAST_BODY)).toBe(true);
    await old.closed;
    const close = await RawClient.open(h.url);
    await close.write(get('/fast/close', 'Connection: close\r\n'));
    const closing = await close.next();
    expect(closing.headers.connection).toBe('close');
    await close.closed;
    const expect100 = await RawClient.open(h.url);
    await expect100.write(get('/fast/e', 'Expect: 100-continue\r\n'));
    expect((await expect100.next()).status).toBe(100);
    expect((await expect100.next()).body.equals(FAST_BODY)).toBe(true);
    const bad = await RawClient.open(h.url);
    await bad.write(`GET /fast/bad HTTP/1.1\r\nHost : t\r\n\r\n`);
    expect((await bad.next()).status).toBe(400);
    await bad.closed;
    expect(h.front.answered).toBe(0);
    expect(h.node).toEqual(['POST /fast/p 5', 'GET /fast/g 3', 'GET /fast/old 0', 'GET /fast/close 0', 'GET /fast/e 0']);
    for (const c of [post, bodyOnGet, expect100]) c.destroy();
  });

  it('gives the front headers as Node.js would: case-insensitive, repeated lines joined or the first kept', async () => {
    const h = await start();
    const c = await RawClient.open(h.url);
    await c.write(get('/fast/h', 'IF-NONE-MATCH: "a"\r\nIf-None-Match: "b"\r\nIf-Modified-Since: one\r\nif-modified-since: two\r\n'));
    await c.next();
    const [request] = h.offered;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/fast/h');
    expect(request?.header('if-none-match')).toBe('"a", "b"');
    expect(request?.header('if-modified-since')).toBe('one');
    expect(request?.header('host')).toBe('t');
    expect(request?.header('range')).toBeUndefined();
    c.destroy();
  });

  it('hands a client that stops reading to Node.js, which holds back until it reads, and nothing is lost or reordered', async () => {
    const body = Buffer.alloc(256 * 1024, 7);
    const h = await start({ body });
    const c = await RawClient.open(h.url);
    c.socket.pause();
    const count = 200;
    let requests = '';
    const slow = (i: number) => i === 150 || i === 175;
    for (let i = 0; i < count; i++) requests += get(slow(i) ? `/slow/${i}` : `/fast/${i}`);
    await c.write(requests);
    await until(() => h.front.connections === 0, 'the front to pass the connection on');
    c.socket.resume();
    for (let i = 0; i < count; i++) {
      const answer = await c.next();
      if (slow(i)) expect(answer.body.toString()).toBe(`node GET /slow/${i} 0`);
      else expect(answer.body.equals(body)).toBe(true);
    }
    expect(h.front.answered).toBeGreaterThan(0);
    // Passed on before the first request it does not take: the client's unread answers filled the socket.
    expect(h.front.answered).toBeLessThan(150);
    expect(c.unread).toBe(0);
    c.destroy();
  });

  it('closes connections idle for longer than the keep-alive timeout', async () => {
    const h = await start({ keepAliveTimeout: 300 });
    const c = await RawClient.open(h.url);
    await c.write(get('/fast/idle'));
    await c.next();
    const opened = Date.now();
    await c.closed;
    expect(Date.now() - opened).toBeGreaterThanOrEqual(200);
    expect(h.front.connections).toBe(0);
  });

  it('answers a connection that sends nothing with a 408 after the headers timeout, as Node.js does', async () => {
    const h = await start({ headersTimeout: 300, keepAliveTimeout: 60_000 });
    const c = await RawClient.open(h.url);
    const opened = Date.now();
    const answer = await c.next();
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    await c.closed;
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    expect(h.front.connections).toBe(0);
  });

  it('closes what it holds when stopped, so the server can close, and passes new connections on', async () => {
    const h = await start();
    const c = await RawClient.open(h.url);
    await c.write(get('/fast/1'));
    await c.next();
    h.front.stop();
    await c.closed;
    const later = await RawClient.open(h.url);
    await later.write(get('/fast/2'));
    expect((await later.next()).body.equals(FAST_BODY)).toBe(true);
    expect(h.node).toEqual(['GET /fast/2 0']);
    later.destroy();
    await new Promise((resolve) => h.server.close(resolve));
  });
});
