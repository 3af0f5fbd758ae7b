import { promises as dns } from 'node:dns';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import ipaddr from 'ipaddr.js';

/**
 * A local HTTP origin for SSRF tests. It listens on every address of the machine (`::`, dual
 * stack), so whichever spelling of a local address a fetch ends up connecting to, the hit is counted.
 */
export class CountingOrigin {
  readonly hits: string[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(private readonly respond: (url: string, res: http.ServerResponse) => void = (_url, res) => res.writeHead(404).end()) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.hits.push(req.url ?? '');
      this.respond(req.url ?? '', res);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen({ port: 0, host: '::', ipv6Only: false }, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  hitsOn(path: string): number {
    return this.hits.filter((h) => h === path || h.startsWith(`${path}?`)).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * Host names that the system resolver answers with loopback or private addresses only (the machine's
 * own name, /etc/hosts aliases). Names that do not resolve are left out.
 */
export async function locallyResolvingNames(): Promise<Array<{ name: string; addresses: string[] }>> {
  const candidates = [...new Set([os.hostname(), 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'runsc', 'vm'])];
  const out: Array<{ name: string; addresses: string[] }> = [];
  for (const name of candidates) {
    try {
      const found = await dns.lookup(name, { all: true });
      const addresses = found.map((f) => f.address);
      if (addresses.length > 0 && addresses.every((a) => ipaddr.process(a).range() !== 'unicast')) out.push({ name, addresses });
    } catch {
      // Not resolvable here: nothing to test with it.
    }
  }
  return out;
}
