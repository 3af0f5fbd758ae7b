import net from 'node:net';

export interface WireResponse {
  readonly status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * A bare TCP connection to the server, written byte for byte at any pace: what it received, when it
 * closed, and the responses read back one by one (Content-Length framing, which is all these
 * servers send), for tests of slow clients, pipelining, split heads and keep-alive.
 */
export class RawClient {
  readonly socket: net.Socket;
  readonly closed: Promise<{ afterMs: number }>;
  private readonly openedAt = Date.now();
  /** Everything received, as it arrived (joined on demand: a slow reader's test receives megabytes). */
  #chunks: Buffer[] = [];
  /** What `next` has not taken yet (the same buffers, so a slow reader's megabytes are not copied twice). */
  #pending: Buffer[] = [];
  #ended = false;
  #wake: (() => void) | null = null;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    this.socket = net.connect({ host: url.hostname, port: Number(url.port) });
    this.socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#pending.push(chunk);
      this.#wake?.();
    });
    // A server that drops us mid-write makes our writes fail; that is an expected way to be told off.
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.#ended = true;
        this.#wake?.();
        resolve({ afterMs: Date.now() - this.openedAt });
      }),
    );
  }

  /** A connected client. */
  static async open(baseUrl: string): Promise<RawClient> {
    const client = new RawClient(baseUrl);
    await client.connected();
    return client;
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connecting) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  /** Everything received so far. */
  get received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** Bytes received and not yet taken by `next`. */
  get unread(): number {
    return this.#pending.reduce((n, c) => n + c.length, 0);
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** Writes `data` one piece at a time, every `everyMs`, until it is all sent or the server hangs up. */
  async trickle(data: Buffer, pieceBytes: number, everyMs: number): Promise<number> {
    let sent = 0;
    while (sent < data.length && !this.socket.destroyed) {
      await this.write(data.subarray(sent, sent + pieceBytes));
      sent += pieceBytes;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    return Math.min(sent, data.length);
  }

  /** The status line the server sent first, if any (e.g. "HTTP/1.1 408 Request Timeout"). */
  statusLine(): string {
    const text = this.received.toString('latin1');
    return text.slice(0, Math.max(0, text.indexOf('\r\n')));
  }

  /** The next response; `head` for the answer to a HEAD (no body whatever Content-Length says). */
  async next(head = false, timeoutMs = 10_000): Promise<WireResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.#take(head);
      if (parsed !== null) return parsed;
      if (this.#ended) throw new Error(`connection closed with ${this.unread} bytes unread`);
      if (Date.now() > deadline) throw new Error('no complete response in time');
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
      this.#wake = null;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  #take(head: boolean): WireResponse | null {
    if (this.#pending.length > 1) this.#pending = [Buffer.concat(this.#pending)];
    const all = this.#pending[0] ?? Buffer.alloc(0);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const lines = all.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? Number.NaN);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const length = head || status === 304 || status === 204 ? 0 : Number(headers['content-length'] ?? 0);
    if (all.length < end + 4 + length) return null;
    const body = Buffer.from(all.subarray(end + 4, end + 4 + length));
    this.#pending = [all.subarray(end + 4 + length)];
    return { status, headers, body };
  }
}
