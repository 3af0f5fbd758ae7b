/**
 * The uploader in real headless Chromium against the server: file input and simulated drop, progress
 * to 100 %, the links of each upload served, the error report, a guest's uploads joining the account
 * made at sign-up, the zh-CN seed strings, and screenshots of every state in both languages.
 * Needs `npm run build` (the browser module is served from dist/web/client).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, FileChooser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { launchBrowser, screenshot } from '../../helpers/browser.js';
import { footprint } from '../../helpers/upload.js';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

const FILES = [fixturePath('photo.jpg'), fixturePath('tiny.png'), fixturePath('clip.mp4')];
const TYPES: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.png': 'image/png', '.mp4': 'video/mp4' };

/** A page whose browser errors fail the test. */
async function newPage(options: { user?: string; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1100, height: 900 } });
  contexts.push(context);
  if (options.user) {
    const user = await server.c.db.users.findByUsername(options.user);
    if (!user) throw new Error(`no user ${options.user}`);
    const session = await server.c.sessions.create(user);
    await context.addCookies([{ name: 'ph_session', value: session.token, url: server.url }]);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Browsers ask for /favicon.ico on their own; refused uploads are answered with their status.
    const url = message.location().url;
    if (message.type() === 'error' && !url.endsWith('/favicon.ico') && !url.endsWith('/json/upload')) errors.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().includes('/json/upload') && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`);
  });
  return { page, errors };
}

async function openUploader(page: Page, query = ''): Promise<void> {
  await page.goto(`${server.url}/upload${query}`);
  await page.waitForSelector('#uploader[data-ready="true"]');
}

async function uploadAndWait(page: Page, heading: string): Promise<void> {
  await page.click('#up-start');
  await page.waitForFunction((text) => document.querySelector('#up-result-heading')?.textContent === text, heading);
}

/** Every progress bar of the queue reached 100 %. */
async function progressValues(page: Page): Promise<number[]> {
  return page.$$eval('#up-queue progress', (bars) => bars.map((b) => (b as HTMLProgressElement).value));
}

/** The codes of one kind, as the result screen shows them. */
async function codes(page: Page, id: string): Promise<string[]> {
  await page.selectOption('#up-embed-kind', id);
  const text = await page.inputValue('#up-embed-code');
  return text.split('\n').filter(Boolean);
}

async function expectServed(urls: readonly string[], types: readonly string[]): Promise<void> {
  const served = await Promise.all(urls.map(async (u) => {
    const res = await fetch(u);
    await res.arrayBuffer();
    return { status: res.status, type: res.headers.get('content-type') ?? '' };
  }));
  expect(served.map((s) => s.status)).toEqual(urls.map(() => 200));
  expect(served.map((s) => s.type.split(';')[0])).toEqual(types);
}

describe('the uploader in Chromium', () => {
  it('uploads a JPEG, a PNG and an MP4 through the file input and shows working links', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    await openUploader(page);
    await expect(page.textContent('#up-formats')).resolves.toBe('JPG JPEG PNG BMP GIF WEBP MOV MP4 WEBM max 5 MB');
    await screenshot(page, 'uploader-empty-en');
    await page.setInputFiles('#up-input', FILES);
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 3);
    await expect(page.isVisible('#up-batch-tags')).resolves.toBe(true);

    // Edit one item: its title is sent with it.
    await page.click('#up-queue .up-item:nth-child(2) .up-preview');
    await expect(page.inputValue('#up-edit-title')).resolves.toBe('Tiny');
    await page.fill('#up-edit-title', 'A tiny picture');
    await screenshot(page, 'uploader-edit-en');
    await page.click('#up-edit-dialog button[value="save"]');
    // Resizing is not offered for a video.
    await page.click('#up-queue .up-item:nth-child(3) .up-preview');
    await expect(page.isDisabled('#up-edit-width')).resolves.toBe(true);
    await page.click('#up-edit-dialog button[value="cancel"]');

    await uploadAndWait(page, 'Upload complete');
    expect(await progressValues(page)).toEqual([100, 100, 100]);
    await expect(page.textContent('#up-result')).resolves.toContain('Uploaded content added to your uploads.');
    await screenshot(page, 'uploader-done-en');

    const direct = await codes(page, 'direct-links');
    expect(direct).toHaveLength(3);
    await expectServed(direct, FILES.map((f) => TYPES[path.extname(f)] ?? ''));
    await expectServed(await codes(page, 'viewer-links'), ['text/html', 'text/html', 'text/html']);
    await expectServed(await codes(page, 'thumb-links'), ['image/jpeg', 'image/png', 'image/jpeg']);
    expect(await codes(page, 'delete-links')).toHaveLength(3);
    await expect(page.isVisible('#up-embed-note')).resolves.toBe(true);
    const bbcode = await codes(page, 'bbcode-embed');
    expect(bbcode[0]).toBe(`[img]${direct[0]}[/img]`);
    expect(bbcode[2]).toBe(`[video]${direct[2]}[/video]`);
    const viewers = await codes(page, 'viewer-links');
    const titled = await server.c.db.images.findById(server.c.ids.decode(viewers[1]?.split('.').pop() ?? '') ?? 0);
    expect(titled?.title).toBe('A tiny picture');
    expect(errors).toEqual([]);
  });

  it('takes files dropped on the page', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    await openUploader(page);
    const payload = await Promise.all(FILES.map(async (f) => ({ name: `dropped-${path.basename(f)}`, type: TYPES[path.extname(f)] ?? '', base64: (await readFile(f)).toString('base64') })));
    const transfer = await page.evaluateHandle((files) => {
      const data = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], f.name, { type: f.type }));
      }
      return data;
    }, payload);
    await page.dispatchEvent('#up-drop', 'dragover', { dataTransfer: transfer });
    await page.dispatchEvent('#up-drop', 'drop', { dataTransfer: transfer });
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 3);
    // Dropping the same names again adds nothing.
    await page.dispatchEvent('#up-drop', 'drop', { dataTransfer: transfer });
    await expect(page.locator('#up-queue .up-item').count()).resolves.toBe(3);
    await uploadAndWait(page, 'Upload complete');
    expect(await progressValues(page)).toEqual([100, 100, 100]);
    const direct = await codes(page, 'direct-links');
    expect(direct.map((u) => path.basename(u))).toEqual(['dropped-photo.jpg', 'dropped-tiny.png', 'dropped-clip.mp4']);
    await expectServed(direct, ['image/jpeg', 'image/png', 'video/mp4']);
    expect(errors).toEqual([]);
  });

  it('refuses unsupported files before queueing, and reports files the server refused', async () => {
    const { page } = await newPage({ user: 'alice' });
    await openUploader(page);
    await page.setInputFiles('#up-input', [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
    await page.waitForSelector('#up-report-dialog[open]');
    await expect(page.textContent('#up-report-heading')).resolves.toBe("Some files couldn't be added");
    await expect(page.textContent('#up-report-list')).resolves.toBe('notes.txt - Invalid or unsupported file format.');
    await page.click('#up-report-dialog button');
    await expect(page.locator('#up-queue .up-item').count()).resolves.toBe(0);

    // A JPEG-looking text file named .png passes the browser's checks but not the server's.
    const fake = { name: 'fake.png', mimeType: 'image/png', buffer: await readFile(fixturePath('fake.jpg')) };
    const small = { name: 'small.jpg', mimeType: 'image/jpeg', buffer: await readFile(fixturePath('small.jpg')) };
    await page.setInputFiles('#up-input', [fake, small]);
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 2);
    await uploadAndWait(page, 'Upload complete');
    await expect(page.textContent('#up-partial-note')).resolves.toBe("Note: Some files couldn't be uploaded. learn more");
    await page.click('#up-open-report');
    await page.waitForSelector('#up-report-dialog[open]');
    await expect(page.textContent('#up-report-list')).resolves.toBe('fake.png - Unavailable image format');
    await screenshot(page, 'uploader-error-report-en');
    await expect(page.getAttribute('#up-queue .up-item[data-state="failed"]', 'title')).resolves.toBe('fake.png - Unavailable image format');
    await page.keyboard.press('Escape');

    // None uploaded.
    await page.click('#up-restart');
    await page.setInputFiles('#up-input', [fake]);
    await uploadAndWait(page, 'No files have been uploaded');
    await expect(page.textContent('#up-result')).resolves.toContain("Some errors have occurred and the system couldn't process your request.");
    await expect(page.textContent('#up-result')).resolves.toContain('Check the error report for more information.');
    await page.click('#up-open-report');
    await expect(page.textContent('#up-report-list')).resolves.toBe('fake.png - Unavailable image format');
  });

  it('can be used with the keyboard alone', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    // Listening before the page loads switches on chooser interception in good time.
    const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
    await openUploader(page);
    await page.focus('#up-browse');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles([fixturePath('small.jpg')]);
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 1);
    // Tab reaches the preview (edit) and the remove button of the tile.
    await page.focus('#up-add-urls');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Edit small.jpg');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#up-edit-dialog[open]');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('up-edit-title');
    await page.keyboard.type(' by keyboard');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#up-edit-dialog', { state: 'hidden' });
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Remove small.jpg');
    await page.focus('#up-start');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#up-result-heading')?.textContent === 'Upload complete');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('up-result');
    const viewer = (await codes(page, 'viewer-links'))[0] ?? '';
    expect(viewer).toMatch(/\/image\/Small-by-keyboard\.\w+$/);
    expect(errors).toEqual([]);
  });

  it("joins a guest's uploads to the account made at sign-up", async () => {
    const { page, errors } = await newPage({ width: 390 });
    await openUploader(page);
    await page.setInputFiles('#up-input', FILES.slice(0, 2));
    await expect(page.isVisible('#up-batch-tags')).resolves.toBe(false);
    await uploadAndWait(page, 'Upload complete');
    await expect(page.textContent('#up-guest-notice')).resolves.toBe('You must create an account or sign in to save this content into your account.');
    await expect(page.getAttribute('#up-guest-notice a[href="/signup"]', 'href')).resolves.toBe('/signup');
    await screenshot(page, 'uploader-done-guest-phone-en');
    const viewers = await codes(page, 'viewer-links');
    const ids = viewers.map((u) => server.c.ids.decode(u.split('.').pop() ?? '') ?? 0);
    for (const id of ids) expect((await server.c.db.images.findById(id))?.userId).toBeNull();

    await page.click('#up-guest-notice a[href="/signup"]');
    await page.fill('#signup-username', 'dora');
    await page.fill('#signup-password', 'dora-password-1');
    await page.fill('#signup-confirm', 'dora-password-1');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/signup"] button[type="submit"]')]);
    const dora = await server.c.db.users.findByUsername('dora');
    expect(dora).not.toBeNull();
    for (const id of ids) expect((await server.c.db.images.findById(id))?.userId).toBe(dora?.id);
    expect(errors).toEqual([]);
  });

  it('speaks zh-CN with the seed strings', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    await openUploader(page, '?lang=zh-CN');
    await expect(page.textContent('#up-heading')).resolves.toBe('将文件拖放或粘贴到此处进行上传');
    await expect(page.textContent('#up-formats')).resolves.toBe('JPG JPEG PNG BMP GIF WEBP MOV MP4 WEBM 最大 5 MB');
    await screenshot(page, 'uploader-empty-zh-CN');
    await page.setInputFiles('#up-input', FILES);
    await expect(page.textContent('#up-customize')).resolves.toBe('在任何预览上 点击 自定义上传');
    await uploadAndWait(page, '上传完毕');
    await expect(page.textContent('#up-result')).resolves.toContain('图片已经添加到 您的上传. 您可以将刚刚上传的图片 创建新的 相册.');
    await screenshot(page, 'uploader-done-zh-CN');
    expect(errors).toEqual([]);
  });

  it('takes pasted images, pasted and typed URLs, lets items go, and walks dropped folders', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    await openUploader(page);
    // A pasted screenshot (Chromium names it image.png).
    const png = (await readFile(fixturePath('tiny.png'))).toString('base64');
    await page.evaluate((base64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    }, png);
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 1);
    await expect(page.textContent('#up-queue .up-name')).resolves.toMatch(/^pasted-\d{14}-[a-z0-9]+\.png$/);

    // An item can be taken out of the queue again.
    await page.setInputFiles('#up-input', [fixturePath('small.jpg')]);
    await page.waitForFunction(() => document.querySelectorAll('#up-queue .up-item').length === 2);
    await page.click('#up-queue .up-item:nth-child(2) .up-remove');
    await expect(page.locator('#up-queue .up-item').count()).resolves.toBe(1);

    // A URL typed into "add file URLs", and one pasted as text.
    const source = `${server.url}/static/site.css`;
    await page.click('#up-add-urls');
    await page.waitForSelector('#up-urls-dialog[open]');
    await page.fill('#up-urls-text', `${source}\nnot a url`);
    await page.click('#up-urls-dialog button[value="add"]');
    await page.waitForSelector('#up-report-dialog[open]');
    await expect(page.textContent('#up-report-list')).resolves.toBe('not a url - Invalid URL.');
    await page.click('#up-report-dialog button');
    await page.evaluate((url) => {
      const data = new DataTransfer();
      data.setData('text/plain', url);
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    }, `${server.url}/favicon-does-not-exist.png`);
    await expect(page.locator('#up-queue .up-item').count()).resolves.toBe(3);
    await expect(page.locator('#up-queue .up-urlicon').count()).resolves.toBe(2);

    await uploadAndWait(page, 'Upload complete');
    // The pasted image went up; the two URLs were fetched by the server and refused with a reason.
    await page.click('#up-open-report');
    const report = await page.textContent('#up-report-list');
    expect(report).toContain(`${source} - Unavailable image format`);
    expect(report).toContain(`${server.url}/favicon-does-not-exist.png - `);
    await page.keyboard.press('Escape');

    // Folders dropped from a file manager arrive as directory entries, read in batches.
    // Written as text: the test runner rewrites `import()` in test code, the page must do its own.
    const names = await page.evaluate<string[]>(`(async () => {
      const intake = await import('/static/uploader-intake.js');
      const file = (name) => ({ name, isFile: true, isDirectory: false, file: (ok) => ok(new File(['x'], name)) });
      const dir = (name, children) => ({
        name, isFile: false, isDirectory: true,
        createReader: () => {
          const batches = [children.slice(0, 1), children.slice(1), []];
          return { readEntries: (ok) => ok(batches.shift() ?? []) };
        },
      });
      const tree = dir('holiday', [file('a.jpg'), dir('more', [file('b.png'), file('.DS_Store')]), file('c.mp4')]);
      const transfer = { items: [{ kind: 'file', webkitGetAsEntry: () => tree, getAsFile: () => null }], files: [] };
      return (await intake.filesFromDrop(transfer)).map((f) => f.name);
    })()`);
    expect(names.sort()).toEqual(['a.jpg', 'b.png', 'c.mp4']);
    expect(errors).toEqual([]);
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`shows the queue, then progress while uploading, and can cancel (${lang})`, async () => {
      const { page } = await newPage({ user: 'alice' });
      await openUploader(page, `?lang=${lang}`);
      // Two larger files first: they are still on their way when the upload is cancelled.
      await page.setInputFiles('#up-input', [fixturePath('photo.jpg'), fixturePath('image.bmp'), fixturePath('clip.mp4')]);
      await page.waitForFunction(() => document.querySelectorAll('#up-queue [data-preview="drawn"]').length === 3);
      await screenshot(page, `uploader-queue-${lang}`);
      // A slow uplink, so the upload is caught half way.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 40_000 });
      await page.click('#up-start');
      const pattern = lang === 'en' ? /^Uploading 3 files \((\d+)% complete\)$/ : /^上传 3 文件 \((\d+)% 完成\)$/;
      await page.waitForFunction((source) => {
        const match = new RegExp(source).exec(document.querySelector('#up-progress-heading')?.textContent ?? '');
        return match !== null && Number(match[1]) > 0 && Number(match[1]) < 100;
      }, pattern.source);
      await expect(page.locator('#up-queue progress[aria-label]').count()).resolves.toBe(3);
      const values = await progressValues(page);
      expect(values.some((v) => v > 0 && v < 100)).toBe(true);
      await screenshot(page, `uploader-uploading-${lang}`);
      await page.click('#up-cancel-all');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      // Everything was cancelled: the queue is back, ready to be sent again.
      await page.waitForSelector('#up-start', { state: 'visible' });
      await expect(page.locator('#up-queue .up-item[data-state="queued"]').count()).resolves.toBe(3);
      await uploadAndWait(page, lang === 'en' ? 'Upload complete' : '上传完毕');
      expect(await progressValues(page)).toEqual([100, 100, 100]);
      // The cancelled requests left no temp files behind.
      await expect.poll(async () => (await footprint(server)).temps).toBe(0);
    });
  }

  it('makes an album of the uploads', async () => {
    const { page, errors } = await newPage({ user: 'alice' });
    await openUploader(page);
    await page.setInputFiles('#up-input', FILES.slice(0, 2));
    await uploadAndWait(page, 'Upload complete');
    const viewers = await codes(page, 'viewer-links');
    await page.click('#up-create-album');
    await page.waitForSelector('#up-album-dialog[open]');
    await page.fill('#up-album-name', 'Summer <trip>');
    await page.fill('#up-album-description', 'From the uploader');
    await page.selectOption('#up-album-privacy', 'password');
    await expect(page.isVisible('#up-album-password')).resolves.toBe(true);
    await page.selectOption('#up-album-privacy', 'private_but_link');
    await Promise.all([page.waitForNavigation(), page.click('#up-album-dialog button[value="create"]')]);
    await expect(page.textContent('h1')).resolves.toContain('Summer <trip>');
    const ids = viewers.map((u) => server.c.ids.decode(u.split('.').pop() ?? '') ?? 0);
    const images = await Promise.all(ids.map((id) => server.c.db.images.findById(id)));
    const albumId = images[0]?.albumId ?? null;
    expect(albumId).not.toBeNull();
    expect(images.map((i) => i?.albumId)).toEqual([albumId, albumId]);
    const album = await server.c.db.albums.findById(albumId ?? 0);
    expect(album).toMatchObject({ name: 'Summer <trip>', description: 'From the uploader', privacy: 'private_but_link' });
    expect(errors).toEqual([]);
  });
});
