import { createRequire } from 'node:module';

/** One complete HTTP/1.x request head without a body, as llhttp parsed it. */
export interface ParsedHead {
  readonly method: string;
  readonly url: string;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** Flat [name, value, …] in the order and case the client sent. */
  readonly headers: readonly string[];
  /** HTTP/1.1 without `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`. */
  readonly keepAlive: boolean;
}

/** The parts of Node.js's llhttp binding (`_http_common`'s HTTPParser) that parsing a head needs. */
interface LlhttpBinding {
  new (): LlhttpParser;
  readonly REQUEST: number;
  readonly kOnMessageBegin: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kOnTimeout: number;
}

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Uint8Array): unknown;
  [callback: number]: unknown;
}

function isBinding(value: unknown): value is LlhttpBinding {
  if (typeof value !== 'function') return false;
  const b = value as unknown as Record<string, unknown>;
  return ['REQUEST', 'kOnMessageBegin', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete', 'kOnExecute', 'kOnTimeout'].every(
    (name) => typeof b[name] === 'number',
  );
}

/**
 * Parses request heads with the llhttp parser Node.js's own HTTP server uses (strict, no lenient
 * flags), one complete head at a time and synchronously, so one parser serves the whole process.
 * Anything it cannot vouch for (a parse error, a body, more header lines than it reports at once)
 * comes back as null.
 */
export class HeadParser {
  readonly #parser: LlhttpParser;
  readonly #binding: LlhttpBinding;
  readonly #methods: readonly string[];
  readonly #maxHeaderSize: number;
  readonly #resource = {};
  #head: ParsedHead | null = null;
  #complete = false;
  #unusual = false;

  private constructor(binding: LlhttpBinding, methods: readonly string[], maxHeaderSize: number) {
    this.#binding = binding;
    this.#methods = methods;
    this.#maxHeaderSize = maxHeaderSize;
    const parser = new binding();
    parser[binding.kOnMessageBegin] = () => 0;
    parser[binding.kOnHeaders] = () => {
      // More header lines than the binding hands over at once: rare enough to leave to Node.js.
      this.#unusual = true;
    };
    parser[binding.kOnHeadersComplete] = (
      versionMajor: number,
      versionMinor: number,
      headers: string[],
      method: number,
      url: string,
      _statusCode: unknown,
      _statusMessage: unknown,
      upgrade: boolean,
      keepAlive: boolean,
    ) => {
      const name = this.#methods[method];
      if (upgrade || name === undefined || typeof url !== 'string' || !Array.isArray(headers)) this.#unusual = true;
      else this.#head = { method: name, url, versionMajor, versionMinor, headers, keepAlive: keepAlive === true };
      return 0;
    };
    parser[binding.kOnBody] = () => {
      this.#unusual = true;
    };
    parser[binding.kOnMessageComplete] = () => {
      this.#complete = true;
    };
    parser[binding.kOnExecute] = () => undefined;
    parser[binding.kOnTimeout] = () => undefined;
    this.#parser = parser;
  }

  /**
   * A parser, or null when this Node.js does not offer the binding in the shape known here; it is
   * checked on a few heads before use, so a changed binding turns the front off rather than misread.
   */
  static create(maxHeaderSize: number): HeadParser | null {
    let common: unknown;
    try {
      common = createRequire(import.meta.url)('_http_common');
    } catch {
      return null;
    }
    const { HTTPParser, methods } = (common ?? {}) as { HTTPParser?: unknown; methods?: unknown };
    if (!isBinding(HTTPParser) || !Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) return null;
    try {
      const parser = new HeadParser(HTTPParser, methods as string[], maxHeaderSize);
      return parser.#selfTest() ? parser : null;
    } catch {
      return null;
    }
  }

  /** `data` must be exactly one head, ending with its empty line. */
  parse(data: Uint8Array): ParsedHead | null {
    this.#head = null;
    this.#complete = false;
    this.#unusual = false;
    this.#parser.initialize(this.#binding.REQUEST, this.#resource, this.#maxHeaderSize, 0);
    const parsed = this.#parser.execute(data);
    const head = this.#head;
    this.#head = null;
    return parsed === data.length && this.#complete && !this.#unusual ? head : null;
  }

  #selfTest(): boolean {
    const ascii = (text: string) => Buffer.from(text, 'latin1');
    const get = this.parse(ascii('GET /a/b.jpg?x=1 HTTP/1.1\r\nHost: h\r\nIf-None-Match: "e"\r\n\r\n'));
    const close = this.parse(ascii('HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n'));
    return (
      get !== null &&
      get.method === 'GET' &&
      get.url === '/a/b.jpg?x=1' &&
      get.versionMajor === 1 &&
      get.versionMinor === 1 &&
      get.keepAlive &&
      get.headers.join('|') === 'Host|h|If-None-Match|"e"' &&
      close !== null &&
      close.method === 'HEAD' &&
      !close.keepAlive &&
      this.parse(ascii('POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n')) === null &&
      this.parse(ascii('GET / HTTP/1.1\r\nHost : h\r\n\r\n')) === null
    );
  }
}
