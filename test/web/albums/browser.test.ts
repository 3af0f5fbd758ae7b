import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { launchBrowser, screenshot, watchedPage } from '../../helpers/browser.js';
import { album, upload } from './gallery-fixtures.js';

let server: TestServer;
let browser: Browser;
let items: Array<Record<string, unknown>>;
let albumPath: string;
const ids = { album: 0 };

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  const alice = (await server.c.accounts.findUser('alice'))!;
  const trip = await album(server, alice, 'public', 'Summer trip');
  await server.c.db.curation.updateAlbum(trip.id, { name: 'Summer trip', description: 'Three days by the sea.', privacy: 'public', passwordHash: null });
  ids.album = trip.id;
  const id = server.c.ids.encode(trip.id);
  albumPath = `/album/Summer-trip.${id}`;
  items = [
    await upload(server, server.aliceKey, { title: 'Harbour at noon', description: 'Boats waiting for the tide.', tags: 'sea, boats, 夏天', album_id: id }, 'photo.jpg'),
    await upload(server, server.aliceKey, { title: 'Wide sky', tags: 'sky', album_id: id }, 'wide.png'),
    await upload(server, server.aliceKey, { title: 'Waves', description: 'Three seconds of waves.', album_id: id }, 'clip.mp4'),
  ];
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const viewer = (i: number) => `${server.url}${String(items[i]!.path_viewer)}`;

describe('viewer and album pages in Chromium', () => {
  it('walks the album with prev/next (links and arrow keys) and copies an embed code', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, errors } = await watchedPage(context);

    await page.goto(`${server.url}${albumPath}?lang=en`);
    await expect.poll(() => page.locator('.gallery-grid img').evaluateAll((imgs) => imgs.every((img) => (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await page.getByRole('link', { name: 'Harbour at noon' }).click();
    await page.waitForURL(viewer(0));
    expect(await page.locator('img.media').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(500);

    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(viewer(1));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Wide sky');
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(viewer(2));
    expect(await page.locator('video.media').getAttribute('poster')).toBe(String(items[2]!.url_frame));
    await expect.poll(() => page.getByRole('link', { name: 'Next' }).count()).toBe(0);
    await page.keyboard.press('ArrowLeft');
    await page.waitForURL(viewer(1));
    await page.getByRole('link', { name: 'Previous' }).click();
    await page.waitForURL(viewer(0));

    // Copy: the viewer link is shown; the BBCode group opens first.
    await page.locator('.share summary', { hasText: 'BBCode' }).click();
    const button = page.locator('button[data-copy-target="code-medium-bbcode-embed"]');
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const medium = (items[0]!.medium as { url: string }).url;
    expect(copied).toBe(`[url=${String(items[0]!.url_viewer)}][img]${medium}[/img][/url]`);
    // The tag link leads to the tag page.
    await page.getByRole('link', { name: '夏天' }).click();
    await page.waitForURL(/\/tag\/%E5%A4%8F%E5%A4%A9$/);
    await expect.poll(() => page.locator('.gallery-grid .caption').allTextContents()).toEqual(['Harbour at noon']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets the owner edit an upload from its page and see it on the profile', async () => {
    const alice = (await server.c.accounts.findUser('alice'))!;
    const session = await server.c.sessions.create(alice);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addCookies([{ name: 'ph_session', value: session.token, url: server.url }]);
    const { page, errors } = await watchedPage(context);
    await page.goto(`${viewer(1)}?lang=en`);
    await page.getByText('Edit', { exact: true }).click();
    await page.getByLabel('Title').fill('Wide evening sky');
    await page.getByLabel('Tags').fill('sky, evening');
    await page.getByLabel('Not safe for work (NSFW)').check();
    await screenshot(page, 'viewer-owner-edit-en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/image\/Wide-evening-sky\.\w+\?saved=1$/);
    await expect.poll(() => page.locator('[role="status"]').textContent()).toBe('Saved.');
    await expect.poll(() => page.locator('.tags a').allTextContents()).toEqual(['sky', 'evening']);
    await page.getByRole('link', { name: 'alice', exact: true }).first().click();
    await page.waitForURL(`${server.url}/user/alice`);
    await expect.poll(() => page.locator('.gallery-grid .caption').allTextContents()).toContain('Wide evening sky');
    await screenshot(page, 'profile-owner-en');
    await page.getByRole('link', { name: 'Summer trip' }).click();
    await page.getByRole('link', { name: 'Edit album' }).click();
    await page.getByLabel('Password protected').check();
    await page.getByLabel('Password', { exact: true }).fill('sea-breeze');
    await screenshot(page, 'album-edit-en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/album\/Summer-trip\.\w+\?saved=1$/);
    // Another browser meets the gate, in Chinese, and gets in with the password.
    const visitor = await browser.newContext({ viewport: { width: 1100, height: 700 }, locale: 'zh-CN' });
    const gate = await visitor.newPage();
    await gate.goto(`${server.url}${albumPath}?lang=zh-CN`);
    await screenshot(gate, 'album-gate-zh-CN');
    await gate.getByLabel('密码').fill('sea-breeze');
    await gate.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => gate.locator('.gallery-grid .caption').count()).toBe(3);
    await visitor.close();
    await server.c.db.curation.updateAlbum(ids.album, { name: 'Summer trip', description: 'Three days by the sea.', privacy: 'public', passwordHash: null });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes screenshots of a viewer page (image and clip) and an album page in both languages', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: lang });
      const { page, errors } = await watchedPage(context);
      await page.goto(`${viewer(0)}?lang=${lang}`);
      await page.locator('img.media').evaluate((img) => (img as HTMLImageElement).decode());
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      await expect.poll(() => page.locator('#share-title').textContent()).toBe(lang === 'en' ? 'Links and embed codes' : '链接和嵌入代码');
      await screenshot(page, `viewer-image-${lang}`);

      await page.goto(viewer(2));
      await page.locator('video.media').evaluate(
        (video) => new Promise<void>((resolve) => ((video as HTMLVideoElement).readyState >= 1 ? resolve() : video.addEventListener('loadedmetadata', () => resolve(), { once: true }))),
      );
      await screenshot(page, `viewer-clip-${lang}`);

      await page.goto(`${server.url}${albumPath}`);
      await expect.poll(() => page.locator('.gallery-grid img').evaluateAll((imgs) => imgs.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
      expect(await page.locator('.album .meta').first().textContent()).toContain(lang === 'en' ? '3 items' : '3 项');
      await screenshot(page, `album-${lang}`);

      // Phone width: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${viewer(0)}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, `viewer-image-phone-${lang}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
