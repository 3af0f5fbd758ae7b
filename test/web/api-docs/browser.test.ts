/**
 * The API pages in headless Chromium (run `npm run build` first for dist/web/client): screenshots in
 * both languages, the key filled into the recipes in the page, copy buttons, phone width, and the
 * bookmarklet run on an image and on a page, landing on the new upload's viewer page.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../src/http/web/web-context.js';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { launchBrowser, screenshot, watchedPage } from '../../helpers/browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A context logged in as alice, collecting page errors (CSP violations show up there). */
async function aliceContext(width = 1100): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const alice = await server.c.accounts.findUser('alice');
  if (!alice) throw new Error('no alice');
  const session = await server.c.sessions.create(alice);
  await context.addCookies([{ name: SESSION_COOKIE, value: session.token, url: server.url }]);
  const { page, errors } = await watchedPage(context);
  return { context, page, errors };
}

describe('the API pages in Chromium', () => {
  it('render in both languages without errors, with the key ID and working copy buttons', async () => {
    const { context, page, errors } = await aliceContext();
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.goto(`${server.url}/api-v1?lang=${lang}`);
      await expect(page.locator('[data-key-id]').textContent()).resolves.toMatch(/^chv_[A-Za-z0-9]+_$/);
      await screenshot(page, `api-v1-${lang}`);
      await page.goto(`${server.url}/api-v1/clients?lang=${lang}`);
      await screenshot(page, `api-clients-${lang}`);
    }
    await page.goto(`${server.url}/api-v1?lang=en`);
    const copy = page.locator('[data-copy-target="code-upload-url"]');
    await copy.click();
    // The label changes once the clipboard write has resolved, which is asynchronous.
    await page.waitForFunction(() => document.querySelector('[data-copy-target="code-upload-url"]')?.textContent === 'Copied', undefined, { timeout: 5000 });
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(`${server.url}/api/1/upload`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone’s width', async () => {
    const { context, page, errors } = await aliceContext(390);
    for (const path of ['/api-v1?lang=zh-CN', '/api-v1/clients?lang=en']) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await screenshot(page, 'api-clients-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fills a key typed on the clients page into every recipe, in the page only', async () => {
    const { context, page, errors } = await aliceContext();
    await page.goto(`${server.url}/api-v1/clients?lang=en`);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.getByLabel('Fill your key into the recipes below').fill(server.aliceKey);
    await expect(page.locator('#code-sharex').textContent()).resolves.toContain(`"X-API-Key": "${server.aliceKey}"`);
    await expect(page.locator('#code-curl-file').textContent()).resolves.toContain(`X-API-Key: ${server.aliceKey}`);
    await expect(page.locator('a.bookmarklet').getAttribute('href')).resolves.toContain(server.aliceKey);
    expect(requests).toEqual([]);
    await page.getByLabel('Fill your key into the recipes below').fill('not a key!');
    await expect(page.locator('#code-sharex').textContent()).resolves.toContain('"X-API-Key": "YOUR_API_KEY"');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the bookmarklet uploads the shown image, or an address it asks for, and opens the viewer', async () => {
    // Another site showing a picture (this site's own media are sandboxed, where no script runs).
    const picture = await readFile(fixturePath('small.jpg'));
    const elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const pictureUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/gallery/sunset.jpg`;
    const { context, page } = await aliceContext();
    await page.goto(`${server.url}/api-v1/clients?lang=en`);
    await page.getByLabel('Fill your key into the recipes below').fill(server.aliceKey);
    const href = (await page.locator('a.bookmarklet').getAttribute('href')) ?? '';
    expect(href.startsWith('javascript:')).toBe(true);
    // What a browser does with a javascript: bookmark: percent-decode, then run the rest.
    const code = decodeURIComponent(href.slice('javascript:'.length));
    const before = await server.c.db.images.count();

    await page.goto(pictureUrl);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.evaluate(code)]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).pathname).toMatch(/^\/image\/sunset\.[A-Za-z0-9]+$/);
    await expect(popup.locator('h1').first().textContent()).resolves.toBeTruthy();
    expect(await server.c.db.images.count()).toBe(before + 1);

    await page.goto(`${server.url}/api-v1?lang=en`);
    page.once('dialog', (dialog) => void dialog.accept(pictureUrl.replace('sunset', 'harbour')));
    const [second] = await Promise.all([context.waitForEvent('page'), page.evaluate(code)]);
    await second.waitForLoadState();
    expect(new URL(second.url()).pathname).toMatch(/^\/image\/harbour\.[A-Za-z0-9]+$/);
    expect(await server.c.db.images.count()).toBe(before + 2);
    await context.close();
    await new Promise((resolve) => elsewhere.close(resolve));
  });
});
