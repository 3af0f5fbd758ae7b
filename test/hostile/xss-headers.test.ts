/**
 * Issue 4, item 5 (content): stored XSS through title, description, tags, album names and file names
 * is escaped on every page that shows them (JSON answers carry it as data); reflected input too.
 * Media is never served as HTML, SVG, XML or text; every page carries CSP (with frame-ancestors),
 * nosniff and a frame ban.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostilePath } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import { scriptableMarkup } from './helpers/markup.js';
import { MEDIA_TYPES } from './helpers/outcome.js';
import { postMultipart } from './helpers/raw-http.js';
import { aliceHeaders, startHostileServer } from './helpers/servers.js';

const TITLE = '</title><script>alert("title")</script>';
const DESCRIPTION = `"><img src=x onerror=alert('desc')><a href="javascript:alert(1)">x</a>`;
const TAGS = ['<svg onload=alert(7)>', '"><b>tag<b>', "' onmouseover='alert(9)"];
const ALBUM_NAME = '<script>alert("album")</script>';
const ALBUM_DESCRIPTION = '<img src=x onerror=alert(10)>';
const FILE_NAME = '<svg onload=alert(11)>.jpg';
const STAR_NAME = `"><iframe srcdoc='<script>alert(12)</script>'>.jpg`;
/** Markup that must never reach a page unescaped. */
const RAW = [TITLE, DESCRIPTION, ...TAGS, ALBUM_NAME, ALBUM_DESCRIPTION, '<svg onload=alert(11)>', STAR_NAME, '<script>alert', '<img src=x', '<svg onload', '<iframe'];

let server: TestServer;
let pages: string[] = [];
let picture: Buffer;

async function html(url: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(new URL(url, server.url), { redirect: 'follow', headers: { accept: 'text/html' } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  await generateHostileFixtures();
  picture = await readFile(hostilePath('seed.jpg'));
  server = await startHostileServer();
  const alice = await server.c.accounts.findUser('alice');
  const album = await server.c.db.albums.create({ userId: alice!.id, name: ALBUM_NAME, description: ALBUM_DESCRIPTION, privacy: 'public', createdAt: new Date() });
  const albumId = server.c.ids.encode(album.id);
  const first = await postMultipart(
    server.url,
    [
      { name: 'title', body: TITLE },
      { name: 'description', body: DESCRIPTION },
      { name: 'tags', body: TAGS.join(',') },
      { name: 'album_id', body: albumId },
      { name: 'source', filename: 'x.jpg', body: picture },
    ],
    aliceHeaders(server),
  );
  const second = await postMultipart(server.url, [{ name: 'source', filename: FILE_NAME, body: picture }], aliceHeaders(server));
  const third = await postMultipart(server.url, [{ name: 'source', filenameStar: STAR_NAME, body: picture }], aliceHeaders(server));
  const images = [first, second, third].map((a) => {
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    return a.json?.image as { path_viewer: string; delete_url: string; url_viewer: string; tags: Array<{ url: string }> };
  });
  pages = [
    '/', '/explore', '/user/alice', `/album/${albumId}`, '/upload', '/login', '/signup', '/api-v1',
    ...images.flatMap((i) => [i.path_viewer, new URL(i.delete_url).pathname]),
    ...(images[0]?.tags ?? []).map((t) => new URL(t.url).pathname),
    `/search?q=${encodeURIComponent('<svg onload=alert(13)>')}`,
    `/login?next=${encodeURIComponent('"><script>alert(14)</script>')}`,
    `/nope/${encodeURIComponent('<script>alert(15)</script>')}`,
    `/image/${encodeURIComponent('"><script>alert(16)</script>')}`,
  ];
});
afterAll(async () => {
  await server?.stop();
});

describe('stored and reflected XSS', () => {
  it('the answers carry the text as data, as JSON', async () => {
    const a = await postMultipart(server.url, [{ name: 'title', body: TITLE }, { name: 'source', filename: 'y.jpg', body: picture }], aliceHeaders(server));
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    const image = a.json?.image as { title: string; title_truncated_html: string };
    expect(image.title).toBe(TITLE);
    expect(image.title_truncated_html).not.toMatch(/<|>/);
  });

  it('no page shows any of it unescaped', async () => {
    for (const page of pages) {
      const { status, text } = await html(page);
      expect(status, page).toBeLessThan(500);
      for (const raw of RAW) expect(text.includes(raw), `${page} contains ${raw}`).toBe(false);
      expect(scriptableMarkup(text), page).toEqual([]);
    }
  });

  it('the text is on those pages, escaped (so the check above is not vacuous)', async () => {
    const viewer = pages.find((p) => p.startsWith('/image/') && !p.includes('/delete/')) ?? '';
    expect((await html(viewer)).text).toContain('&lt;/title&gt;&lt;script&gt;alert(');
    const album = pages.find((p) => p.startsWith('/album/')) ?? '';
    expect((await html(album)).text).toContain('&lt;script&gt;alert(');
  });

  it('the oEmbed answer is JSON, never HTML', async () => {
    const viewer = pages.find((p) => p.startsWith('/image/') && !p.includes('/delete/'));
    const res = await fetch(`${server.url}/oembed?url=${encodeURIComponent(new URL(viewer ?? '/', server.url).href)}`);
    if (res.status === 200) expect(res.headers.get('content-type')).toMatch(/json|xml/);
    // Titles are data here, as in the API; only an `html` member (video embeds) is markup.
    const body = (await res.json()) as { html?: string };
    for (const raw of RAW) expect((body.html ?? '').includes(raw)).toBe(false);
  });
});

describe('security headers', () => {
  it('every page has CSP with frame-ancestors, no inline scripts, nosniff', async () => {
    for (const page of pages) {
      const { headers } = await html(page);
      if (!(headers.get('content-type') ?? '').startsWith('text/html')) continue;
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, `${page} CSP`).toMatch(/frame-ancestors '(none|self)'/);
      expect(csp, page).toMatch(/default-src 'none'|default-src 'self'/);
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc, page).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(headers.get('x-content-type-options'), page).toBe('nosniff');
    }
  });

  it('API answers are JSON with nosniff and no-store', async () => {
    const res = await fetch(`${server.url}/api/1/upload`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
  });
});

describe('media is never served as a document', () => {
  it('files planted in the store with document extensions are not served; image bytes are served as images, sandboxed', async () => {
    const folder = path.join(server.dataDir, 'images', '2020', '01', '01');
    await mkdir(folder, { recursive: true });
    const markup = '<html><script>alert(document.domain)</script><svg onload=alert(1)></svg></html>';
    for (const ext of ['html', 'htm', 'svg', 'svgz', 'xml', 'xhtml', 'txt', 'js', 'css', 'shtml', 'php', 'json', 'pdf', 'bmp', 'ico']) {
      await writeFile(path.join(folder, `evil.${ext}`), markup);
      const res = await fetch(`${server.url}/images/2020/01/01/evil.${ext}`, { headers: { accept: 'text/html' } });
      expect(res.status, ext).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      await res.arrayBuffer();
    }
    for (const ext of ['jpg', 'png', 'gif', 'webp', 'avif', 'mp4', 'mov', 'webm', 'JPG']) {
      await writeFile(path.join(folder, `markup.${ext}`), markup);
      const res = await fetch(`${server.url}/images/2020/01/01/markup.${ext}`, { headers: { accept: 'text/html,image/svg+xml' } });
      await res.arrayBuffer();
      expect(res.status, ext).toBe(200);
      expect(MEDIA_TYPES.has(res.headers.get('content-type') ?? ''), `${ext}: ${res.headers.get('content-type')}`).toBe(true);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    }
  });
});
