import http from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * A request whose path reaches the server byte for byte (fetch would resolve `..` and `%2e%2e`), on
 * a new connection: closed after the answer (`Connection: close`), or offered keep-alive as browsers
 * and load generators do (`keepAlive`).
 */
export function rawRequest(baseUrl: string, rawPath: string, method = 'GET', headers: Record<string, string> = {}, options: { keepAlive?: boolean } = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const agent = options.keepAlive === true ? new http.Agent({ keepAlive: true }) : false;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (agent !== false) agent.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
