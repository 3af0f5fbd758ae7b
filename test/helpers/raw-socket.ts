import net from 'node:net';

export interface WireResponse {
  readonly status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * One TCP connection written byte for byte and read back response by response (Content-Length
 * framing, which is all these servers send), for tests of pipelining, split heads and keep-alive.
 */
export class RawConnection {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #arrived: Buffer[] = [];
  #wake: (() => void) | null = null;
  #ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#arrived.push(chunk);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#ended = true;
        this.#wake?.();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** The next response; `head` for the answer to a HEAD (no body whatever Content-Length says). */
  async next(head = false, timeoutMs = 10_000): Promise<WireResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.#take(head);
      if (parsed !== null) return parsed;
      if (this.#ended) throw new Error(`connection closed with ${this.#buffer.length} bytes unread`);
      if (Date.now() > deadline) throw new Error('no complete response in time');
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
      this.#wake = null;
    }
  }

  /** Bytes received and not yet taken by `next`. */
  get unread(): number {
    return this.#buffer.length + this.#arrived.reduce((n, c) => n + c.length, 0);
  }

  close(): void {
    this.socket.destroy();
  }

  #take(head: boolean): WireResponse | null {
    if (this.#arrived.length > 0) {
      this.#buffer = Buffer.concat([this.#buffer, ...this.#arrived]);
      this.#arrived = [];
    }
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const lines = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? Number.NaN);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const length = head || status === 304 || status === 204 ? 0 : Number(headers['content-length'] ?? 0);
    if (this.#buffer.length < end + 4 + length) return null;
    const body = Buffer.from(this.#buffer.subarray(end + 4, end + 4 + length));
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status, headers, body };
  }
}
