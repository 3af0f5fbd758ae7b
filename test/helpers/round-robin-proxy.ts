import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  readonly url: string;
  /** How many requests each backend answered, by backend URL. */
  readonly served: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A minimal load balancer on loopback: each request goes to the next backend in turn. Request
 * bodies are read whole first (test uploads are small), so a request whose backend refuses the
 * connection (a killed instance) is sent to the next one instead; a backend that refused is skipped
 * from then on, as a load balancer's health check would do.
 */
export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const down = new Set<string>();
  const served = new Map<string, number>(backends.map((b) => [b, 0]));
  let next = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number): void => {
    const alive = backends.filter((b) => !down.has(b));
    const backend = alive[next++ % Math.max(1, alive.length)];
    if (backend === undefined || tries <= 0) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no backend\n');
      return;
    }
    const upstream = httpRequest(`${backend}${req.url ?? '/'}`, { method: req.method, headers: req.headers });
    upstream.once('response', (answer) => {
      served.set(backend, (served.get(backend) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') {
        if (error.code === 'ECONNREFUSED') down.add(backend);
        if (!res.headersSent) {
          forward(req, res, body, tries - 1);
          return;
        }
      }
      res.destroy(error);
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => forward(req, res, Buffer.concat(chunks), backends.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
