/**
 * Each set-up the API pages show, replayed exactly as shown against a running server: the curl lines
 * run by curl itself, the ShareX/PicGo/uPic field mappings sent with fetch, the CLI lines run by the
 * built `pinhole` command. Only the key placeholder (and the example file names) are filled in.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { atPath, recipeFields, recipeText, sharexTemplate, shellWords } from './page-recipes.js';

const BIN = fileURLToPath(new URL('../../../bin/pinhole.js', import.meta.url));
const PLACEHOLDER = 'YOUR_API_KEY';

let server: TestServer;
let work: string;
let apiPage: string;
let clientsPage: string;

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(path.join(os.tmpdir(), 'pinhole-recipes-'));
  for (const [from, to] of [['small.jpg', 'example.jpg'], ['photo.jpg', 'photo.jpg'], ['small.jpg', 'holiday.jpg'], ['tiny.png', 'screenshot.png'], ['static.gif', 'notes.png']] as const) {
    await copyFile(fixturePath(from), path.join(work, to));
  }
  apiPage = await (await fetch(`${server.url}/api-v1`)).text();
  clientsPage = await (await fetch(`${server.url}/api-v1/clients`)).text();
});
afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const withKey = (s: string) => s.split(PLACEHOLDER).join(server.aliceKey);

function run(command: string, args: string[], options: { input?: Buffer; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: work, env: { PATH: process.env.PATH ?? '', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

async function expectServes(url: unknown): Promise<void> {
  expect(typeof url).toBe('string');
  const res = await fetch(String(url));
  expect(res.status, String(url)).toBe(200);
}

describe('the curl lines', () => {
  it('the API page’s example call runs as shown', async () => {
    const words = shellWords(withKey(recipeText(apiPage, 'curl')));
    expect(words[0]).toBe('curl');
    const out = await run('curl', words.slice(1));
    expect(out.code, out.stderr).toBe(0);
    const answer = JSON.parse(out.stdout) as { status_code: number; image: { url: string; original_filename: string } };
    expect(answer.status_code).toBe(200);
    expect(answer.image.original_filename).toBe('example.jpg');
    await expectServes(answer.image.url);
  });

  it('--fail-with-body makes curl fail on an error and still print the answer', async () => {
    const words = shellWords(recipeText(apiPage, 'curl'));
    const out = await run('curl', words.slice(1));
    expect(out.code).toBe(22);
    expect(JSON.parse(out.stdout)).toMatchObject({ status_code: 401, error: { message: 'Invalid API key.' } });
  });

  it('the single-file line prints the link alone', async () => {
    const words = shellWords(withKey(recipeText(clientsPage, 'curl-file')));
    const out = await run('curl', words.slice(1));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^${server.url}/images/.+/photo\\.jpg$`));
    await expectServes(out.stdout);
  });

  it('the Flameshot script’s curl reads the screenshot from standard input', async () => {
    const script = withKey(recipeText(clientsPage, 'flameshot'));
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain('flameshot gui --raw | curl');
    const curlLine = /\| (curl[\s\S]*?)\)\n/.exec(script)?.[1] ?? '';
    const words = shellWords(curlLine);
    expect(words[0]).toBe('curl');
    const out = await run('curl', words.slice(1), { input: await readFile(fixturePath('tiny.png')) });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/\/screenshot\.png$/);
    await expectServes(out.stdout);
  });
});

describe('the desktop tools’ settings', () => {
  it('ShareX: the .sxcu request, then its URL, thumbnail and deletion URL templates', async () => {
    const sxcu = JSON.parse(withKey(recipeText(clientsPage, 'sharex'))) as Record<string, unknown>;
    expect(sxcu.Body).toBe('MultipartFormData');
    const form = new FormData();
    form.append(String(sxcu.FileFormName), new Blob([new Uint8Array(await readFile(fixturePath('small.jpg')))], { type: 'image/jpeg' }), 'capture.jpg');
    const res = await fetch(String(sxcu.RequestURL), { method: String(sxcu.RequestMethod), headers: sxcu.Headers as Record<string, string>, body: form });
    const answer = (await res.json()) as unknown;
    expect(res.status).toBe(200);
    await expectServes(sharexTemplate(String(sxcu.URL), answer));
    await expectServes(sharexTemplate(String(sxcu.ThumbnailURL), answer));
    const deletion = sharexTemplate(String(sxcu.DeletionURL), answer);
    expect(deletion).toMatch(/\/delete\/[0-9a-f]{48}$/);
    await expectServes(deletion);

    const refused = await fetch(String(sxcu.RequestURL), { method: 'POST', headers: { 'X-API-Key': 'wrong' }, body: form });
    expect(sharexTemplate(String(sxcu.ErrorMessage), await refused.json())).toBe('Invalid API key.');
  });

  async function replayPicGo(fields: { url: string; paramName: string; jsonPath: string; customHeader: string; customBody: string }): Promise<void> {
    const form = new FormData();
    form.append(fields.paramName, new Blob([new Uint8Array(await readFile(fixturePath('tiny.png')))], { type: 'image/png' }), 'pasted.png');
    if (fields.customBody) for (const [k, v] of Object.entries(JSON.parse(fields.customBody) as Record<string, string>)) form.append(k, v);
    const res = await fetch(fields.url, { method: 'POST', headers: JSON.parse(fields.customHeader) as Record<string, string>, body: form });
    expect(res.status).toBe(200);
    await expectServes(atPath(await res.json(), fields.jsonPath));
  }

  it('PicGo / PicList: the web-uploader fields', async () => {
    const rows = recipeFields(clientsPage, 'picgo');
    const one = (k: string) => withKey(rows.get(k)?.[0] ?? '');
    await replayPicGo({ url: one('url'), paramName: one('paramName'), jsonPath: one('jsonPath'), customHeader: one('customHeader'), customBody: one('customBody') });
  });

  it('Typora through PicGo-Core: the config file’s chosen uploader', async () => {
    const config = JSON.parse(withKey(recipeText(clientsPage, 'picgo-core'))) as { picBed: Record<string, unknown>; picgoPlugins: Record<string, boolean> };
    const uploader = String(config.picBed.uploader);
    expect(config.picgoPlugins[`picgo-plugin-${uploader}`]).toBe(true);
    await replayPicGo(config.picBed[uploader] as Parameters<typeof replayPicGo>[0]);
  });

  it('uPic: the custom host fields', async () => {
    const rows = recipeFields(clientsPage, 'upic');
    const one = (k: string) => withKey(rows.get(k)?.[0] ?? '');
    const headers = Object.fromEntries((rows.get('header') ?? []).map((h) => withKey(h).split(/:\s*/, 2) as [string, string]));
    const form = new FormData();
    form.append(one('fileField'), new Blob([new Uint8Array(await readFile(fixturePath('small.jpg')))], { type: 'image/jpeg' }), 'upic.jpg');
    const res = await fetch(one('apiUrl'), { method: one('method'), headers, body: form });
    expect(res.status).toBe(200);
    await expectServes(atPath(await res.json(), JSON.parse(one('urlPath')) as string[]));
  });
});

describe('the pinhole command lines', () => {
  function cliRuns(text: string): { env: Record<string, string>; commands: string[][] } {
    const env: Record<string, string> = {};
    const commands: string[][] = [];
    for (const line of withKey(text).split('\n')) {
      const exported = /^export ([A-Z_]+)=(.*)$/.exec(line);
      if (exported?.[1]) env[exported[1]] = exported[2] ?? '';
      else if (line.startsWith('pinhole ')) commands.push(shellWords(line));
    }
    return { env, commands };
  }

  it('the client page’s lines run, reading the server and key from the environment', async () => {
    const alice = await server.c.accounts.findUser('alice');
    const album = await server.c.db.albums.create({ userId: alice?.id ?? 0, name: 'CLI', description: null, privacy: 'public', createdAt: new Date() });
    const { env, commands } = cliRuns(recipeText(clientsPage, 'cli'));
    expect(env).toEqual({ PINHOLE_SERVER: server.url, PINHOLE_KEY: server.aliceKey });
    expect(commands).toHaveLength(2);
    const [plain, withOptions] = commands;
    const first = await run(process.execPath, [BIN, ...(plain ?? []).slice(1)], { env });
    expect(first.code, first.stderr).toBe(0);
    const links = first.stdout.trim().split('\n');
    expect(links).toHaveLength(2);
    for (const link of links) await expectServes(link);
    const args = (withOptions ?? []).slice(1).map((a) => (a === 'ALBUM_ID' ? server.c.ids.encode(album.id) : a));
    const second = await run(process.execPath, [BIN, ...args], { env });
    expect(second.code, second.stderr).toBe(0);
    const answer = JSON.parse(second.stdout) as { image: { expiration_date_gmt: string | null; url: string } };
    expect(answer.image.expiration_date_gmt).not.toBeNull();
    await expectServes(answer.image.url);
  });

  it('the API page’s line runs as shown', async () => {
    const words = shellWords(withKey(recipeText(apiPage, 'cli')));
    expect(words.slice(0, 2)).toEqual(['pinhole', 'upload']);
    const out = await run(process.execPath, [BIN, ...words.slice(1)]);
    expect(out.code, out.stderr).toBe(0);
    await expectServes(out.stdout.trim());
  });
});

describe('curl is available', () => {
  it('on this machine (the curl recipes need it)', async () => {
    const version = await new Promise<string>((resolve, reject) => execFile('curl', ['--version'], (error, stdout) => (error ? reject(error) : resolve(stdout))));
    expect(version).toMatch(/^curl \d/);
  });
});
