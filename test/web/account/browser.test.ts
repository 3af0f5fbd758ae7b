import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('accounts in Chromium', () => {
  it('signs up, creates an API key in settings and uploads with it', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, errors } = await watchedPage(context);

    await page.goto(`${server.url}/signup?lang=en`);
    await screenshot(page, 'account-signup-en');
    await page.getByLabel('Username').fill('nina');
    await page.getByLabel('Email (optional)').fill('nina@example.com');
    await page.getByLabel('Password', { exact: true }).fill('nina-password');
    await page.getByLabel('Confirm password').fill('nina-password');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(`${server.url}/`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'ph_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${server.url}/settings`);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(`${server.url}/settings/api`);
    await page.getByLabel('Label', { exact: true }).fill('Browser test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const keyInput = page.locator('#new-key');
    await keyInput.waitFor();
    const key = await keyInput.inputValue();
    expect(key).toMatch(/^chv_[A-Za-z0-9]+_[0-9a-f]{64}$/);

    const copy = page.getByRole('button', { name: 'Copy' });
    await copy.click();
    await expect.poll(() => page.locator('button.copied').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await screenshot(page, 'account-key-created-en');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download ShareX uploader (.sxcu)' }).click();
    const file = await (await download).path();
    const sxcu = JSON.parse(await readFile(file, 'utf8')) as { Headers: Record<string, string> };
    expect(sxcu.Headers['X-API-Key']).toBe(key);

    const form = new FormData();
    form.append('source', new Blob([new Uint8Array(await readFile(fixturePath('small.jpg')))], { type: 'image/jpeg' }), 'from-browser-test.jpg');
    const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { 'X-API-Key': key }, body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { image: { url: string } };
    expect((await fetch(body.image.url)).status).toBe(200);

    await page.goto(`${server.url}/settings/api`);
    await expect.poll(() => page.locator('table.keys tbody tr').count()).toBe(1);
    expect(await page.locator('table.keys').textContent()).not.toContain('Never');
    await screenshot(page, 'account-settings-api-en');
    await page.goto(`${server.url}/settings/uploads`);
    await screenshot(page, 'account-settings-uploads-en');
    await page.goto(`${server.url}/settings`);
    await screenshot(page, 'account-settings-en');

    await page.goto(`${server.url}/settings/api?lang=zh-CN`);
    expect(await page.locator('h1').textContent()).toBe('设置');
    await screenshot(page, 'account-settings-api-zh-CN');
    await page.goto(`${server.url}/settings/uploads`);
    expect(await page.locator('#uploads-expiration option').first().textContent()).toBe('不自动删除');
    await screenshot(page, 'account-settings-uploads-zh-CN');
    await page.goto(`${server.url}/settings`);
    await screenshot(page, 'account-settings-zh-CN');

    // Phone width: the key table turns into stacked rows and nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${server.url}/settings/api`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'account-settings-api-phone-zh-CN');

    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(`${server.url}/`);
    expect((await context.cookies()).some((c) => c.name === 'ph_session')).toBe(false);
    await page.goto(`${server.url}/login?lang=en`);
    await screenshot(page, 'account-login-en');
    await page.goto(`${server.url}/login?lang=zh-CN`);
    await screenshot(page, 'account-login-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  });
});
