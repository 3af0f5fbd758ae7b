import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from '../../helpers/app.js';
import { toAnswer } from '../../helpers/upload.js';

export interface WebAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> | null;
}

export type FormValue = string | { readonly file: string; readonly filename?: string; readonly type?: string } | { readonly bytes: Buffer; readonly filename: string; readonly type?: string };

/** A browser over real HTTP: keeps cookies like a browser would, reads the page's CSRF token. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly server: TestServer) {}

  async request(pathAndQuery: string, init: RequestInit = {}): Promise<WebAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.server.url}${pathAndQuery}`, { redirect: 'manual', ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return toAnswer(res);
  }

  /** Loads a page and keeps its CSRF token. */
  async open(pathAndQuery = '/upload'): Promise<WebAnswer> {
    const page = await this.request(pathAndQuery);
    const match = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text);
    if (match?.[1]) this.csrf = match[1];
    return page;
  }

  async upload(fields: Record<string, FormValue>, options: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<WebAnswer> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value === 'string') form.append(name, value);
      else if ('file' in value) {
        const bytes = await readFile(value.file);
        form.append(name, new Blob([new Uint8Array(bytes)], { type: value.type ?? 'application/octet-stream' }), value.filename ?? path.basename(value.file));
      } else form.append(name, new Blob([new Uint8Array(value.bytes)], { type: value.type ?? 'application/octet-stream' }), value.filename);
    }
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (csrf !== null) headers['x-csrf-token'] = csrf;
    const answer = await this.request('/json/upload', { method: 'POST', body: form, headers });
    const fresh = answer.headers.get('x-csrf-token');
    if (fresh) this.csrf = fresh;
    return answer;
  }
}

/** A client logged in as `username` through a session made by the session service. */
export async function loggedIn(server: TestServer, username: string): Promise<WebClient> {
  const user = await server.c.db.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const session = await server.c.sessions.create(user);
  const client = new WebClient(server);
  client.cookies.set('ph_session', session.token);
  await client.open('/upload');
  return client;
}

/** The uploader settings embedded in a page. */
export function embeddedConfig(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="uploader-config">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no uploader-config block');
  return JSON.parse(match[1]) as Record<string, unknown>;
}
