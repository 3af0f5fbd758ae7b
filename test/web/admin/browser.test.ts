import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../fixtures/generate.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { launchBrowser, screenshot } from '../../helpers/browser.js';
import { uploadMultipart } from '../../helpers/upload.js';

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  for (const file of ['small.jpg', 'tiny.png', 'clip.mp4']) {
    await uploadMultipart(server, { source: { file: fixturePath(file) } }, { headers: { 'x-api-key': server.aliceKey } });
  }
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Collects script errors and failed loads so a broken page fails the test. */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/favicon.ico') errors.push(`${response.status()} ${url.pathname}`);
  });
  return errors;
}

describe('the dashboard in Chromium', () => {
  it('logs in as admin, changes a setting through the form, and it applies to the API at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors = watch(page);

    await page.goto(`${server.url}/dashboard?lang=en`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('admin-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/dashboard\?lang=en$/);
    await expect(page.locator('#stat-images .admin-stat-value').textContent()).resolves.toBe('2');
    await screenshot(page, 'admin-dashboard-en');

    await page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name: 'Site settings' }).click();
    await page.waitForURL(`${server.url}/dashboard/settings`);
    // An invalid value is refused with a message next to the field, by the server.
    await page.getByLabel('Uploads per minute', { exact: true }).fill('-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#s-floodPerMinute-error').waitFor();
    expect(await page.locator('#s-floodPerMinute-error').textContent()).toBe('Enter a whole number from 0 to 1000000.');
    expect(await page.getByLabel('Uploads per minute', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'admin-settings-error-en');
    // The refusal is a 400 page, as it should be; nothing else may have failed.
    expect(errors.splice(0)).toEqual(['400 /dashboard/settings']);

    await page.getByLabel('Uploads per minute', { exact: true }).fill('1');
    await page.getByLabel('Duplicate uploads', { exact: true }).selectOption('reject');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${server.url}/dashboard/settings?ok=saved`);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Settings saved');
    expect(await page.getByLabel('Uploads per minute', { exact: true }).inputValue()).toBe('1');
    expect(server.c.site.values.floodPerMinute).toBe(1);
    expect(server.c.site.values.duplicates).toBe('reject');
    await screenshot(page, 'admin-settings-en');

    const first = await uploadMultipart(server, { source: { file: fixturePath('pano.jpg') } }, { headers: { 'x-api-key': server.adminKey } });
    expect(first.status).toBe(429);

    // Reset through the per-field button, by keyboard.
    await page.getByRole('button', { name: 'Reset Uploads per minute to its default' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dashboard\/settings\?ok=reset/);
    expect(await page.getByLabel('Uploads per minute', { exact: true }).inputValue()).toBe('50');
    expect(server.c.site.values.floodPerMinute).toBe(50);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('users, uploads and moderation pages, and screenshots in both languages', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const admin = await server.c.accounts.findUser('admin');
    if (!admin) throw new Error('no admin');
    const session = await server.c.sessions.create(admin);
    await context.addCookies([{ name: 'ph_session', value: session.token, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    const errors = watch(page);

    await page.goto(`${server.url}/dashboard/uploads?lang=en`);
    expect(await page.locator('.admin-tile').count()).toBe(3);
    const thumbs = await page.locator('.admin-tile img').evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    expect(thumbs.every((w) => w > 0)).toBe(true);
    await screenshot(page, 'admin-uploads-en');

    // Deleting asks first; dismissing keeps the upload.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.locator('.admin-tile').first().getByRole('button', { name: 'Delete' }).click();
    expect(await page.locator('.admin-tile').count()).toBe(3);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('.admin-tile').first().getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/ok=deletedUpload/);
    expect(await page.locator('.admin-tile').count()).toBe(2);

    await page.goto(`${server.url}/dashboard/users`);
    await screenshot(page, 'admin-users-en');

    await page.goto(`${server.url}/dashboard?lang=zh-CN`);
    expect(await page.locator('h1').textContent()).toBe('仪表盘');
    await screenshot(page, 'admin-dashboard-zh-CN');
    await page.goto(`${server.url}/dashboard/settings`);
    expect(await page.getByLabel('每分钟上传数', { exact: true }).inputValue()).toBe('50');
    await screenshot(page, 'admin-settings-zh-CN');
    await page.goto(`${server.url}/dashboard/users`);
    await screenshot(page, 'admin-users-zh-CN');

    // Phone width: nothing overflows the page sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/dashboard/settings?lang=en`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'admin-settings-phone-en');

    expect(errors).toEqual([]);
    await context.close();
  });
});
