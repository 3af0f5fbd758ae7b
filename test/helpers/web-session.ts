import type { TestServer } from './app.js';

export interface WebAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The `location` header of a redirect, or null. */
  readonly location: string | null;
  /** Raw Set-Cookie lines of this answer. */
  readonly setCookies: readonly string[];
}

/**
 * A browser stand-in for HTTP tests: keeps cookies across requests (name=value only; attributes
 * are exposed raw through `setCookies` for tests that check them), never follows redirects, and
 * reads the CSRF token pages publish in `<meta name="csrf-token">`.
 */
export class WebSession {
  readonly cookies = new Map<string, string>();

  constructor(private readonly server: Pick<TestServer, 'url'>) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<WebAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const res = await fetch(`${this.server.url}${path}`, { ...init, headers, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location'), setCookies };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<WebAnswer> {
    return this.request(path, { headers });
  }

  /** Posts a urlencoded form; pass `_csrf` yourself (see `csrf()`) or leave it out to test refusals. */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<WebAnswer> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** The CSRF token of this browser, read from a page (GET `path`). */
  async csrf(path = '/'): Promise<string> {
    return csrfFrom((await this.get(path)).text);
  }

  /** GETs `path` for its token, then posts the form with it. */
  async submit(path: string, fields: Record<string, string>, options: { from?: string; headers?: Record<string, string> } = {}): Promise<WebAnswer> {
    const token = await this.csrf(options.from ?? path);
    return this.post(path, { _csrf: token, ...fields }, options.headers);
  }
}

export function csrfFrom(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error(`no csrf token in page: ${html.slice(0, 300)}`);
  return match[1];
}
