import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from './app.js';

export type Field = string | { file: string; filename?: string; type?: string } | { bytes: Buffer; filename: string; type?: string };

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | null;
}

/** A response read whole: status, headers, text, and the JSON when the text is JSON. */
export async function toAnswer(res: Response): Promise<ApiAnswer> {
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs a multipart upload to /api/1/upload. */
export async function uploadMultipart(
  server: TestServer,
  fields: Record<string, Field>,
  options: { headers?: Record<string, string>; path?: string } = {},
): Promise<ApiAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else if ('file' in value) {
      const bytes = await readFile(value.file);
      form.append(name, new Blob([new Uint8Array(bytes)], { type: value.type ?? 'application/octet-stream' }), value.filename ?? path.basename(value.file));
    } else form.append(name, new Blob([new Uint8Array(value.bytes)], { type: value.type ?? 'application/octet-stream' }), value.filename);
  }
  const res = await fetch(`${server.url}${options.path ?? '/api/1/upload'}`, { method: 'POST', body: form, headers: options.headers, redirect: 'manual' });
  return toAnswer(res);
}

export async function uploadForm(server: TestServer, fields: Record<string, string>, options: { headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}/api/1/upload`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: options.headers,
    redirect: 'manual',
  });
  return toAnswer(res);
}

export async function uploadJson(server: TestServer, body: unknown, options: { headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}/api/1/upload`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...options.headers },
    redirect: 'manual',
  });
  return toAnswer(res);
}

export async function request(server: TestServer, pathAndQuery: string, init: RequestInit = {}): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${pathAndQuery}`, { redirect: 'manual', ...init });
  return toAnswer(res);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** Stored files, temp files and image rows: what a refused upload must not leave behind. */
export async function footprint(server: TestServer): Promise<{ files: number; temps: number; rows: number }> {
  return {
    files: (await walk(path.join(server.dataDir, 'images'))).length,
    temps: (await walk(path.join(server.dataDir, 'tmp'))).length,
    rows: await server.c.db.images.count(),
  };
}

export function imageOf(a: ApiAnswer): Record<string, unknown> {
  const image = a.json?.image;
  if (!image || typeof image !== 'object') throw new Error(`no image in answer ${a.status}: ${a.text.slice(0, 500)}`);
  return image as Record<string, unknown>;
}
