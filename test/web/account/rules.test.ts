import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlausibleEmail, readForm, safeNext } from '../../../src/http/routes/web/account/form.js';
import { WebAuthService } from '../../../src/services/web-auth.service.js';
import { picGoConfig, shareXConfig } from '../../../src/web/account/client-configs.js';
import { EXPIRATION_CHOICES, expirationLabel, expirationOptions } from '../../../src/web/expiration-choices.js';
import { escapeHtmlStrict } from '../../../src/domain/format.js';
import { translator } from '../../../src/web/i18n/index.js';
import { startTestServer, type TestServer } from '../../helpers/app.js';

describe('safeNext', () => {
  it('keeps paths on this site', () => {
    expect(safeNext('/settings')).toBe('/settings');
    expect(safeNext('/image/a.b?x=1#top')).toBe('/image/a.b?x=1#top');
    expect(safeNext('/user/%2F%2Fevil')).toBe('/user/%2F%2Fevil');
  });

  it('turns everything else into /', () => {
    for (const bad of ['', 'settings', '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil', 'https://evil.example/', 'http:/evil', 'javascript:alert(1)', '/\tevil', '/a\nb', '/login?next=/x', '/logout', '/signup', 'x'.repeat(2001), 42, null, undefined, ['/a']]) {
      expect(safeNext(bad), JSON.stringify(bad)).toBe('/');
    }
  });
});

describe('readForm', () => {
  it('takes the first of repeated fields and blanks for anything else', () => {
    expect(readForm({ a: ['1', '2'], b: 3, c: 'x' }, ['a', 'b', 'c', 'd'])).toEqual({ a: '1', b: '', c: 'x', d: '' });
    expect(readForm(undefined, ['a'])).toEqual({ a: '' });
    expect(readForm('a=1', ['a'])).toEqual({ a: '' });
  });
});

describe('isPlausibleEmail', () => {
  it('accepts ordinary addresses only', () => {
    expect(isPlausibleEmail('a.b+c@example.co.uk')).toBe(true);
    expect(isPlausibleEmail('no at sign')).toBe(false);
    expect(isPlausibleEmail('a@b')).toBe(false);
    expect(isPlausibleEmail('"><script>@x.y')).toBe(false);
  });
});

describe('expiration choices', () => {
  it('labels every choice in both languages', () => {
    const en = translator('en');
    const zh = translator('zh-CN');
    expect(expirationLabel(en, 'PT5M')).toBe('After 5 minutes');
    expect(expirationLabel(en, 'PT1H')).toBe('After 1 hour');
    expect(expirationLabel(en, 'P2W')).toBe('After 2 weeks');
    expect(expirationLabel(en, 'P1M')).toBe('After 1 month');
    expect(expirationLabel(zh, 'P3D')).toBe('3 天后');
    for (const c of EXPIRATION_CHOICES) {
      expect(expirationLabel(en, c)).toMatch(/^After \d+ \w+$/);
      expect(expirationLabel(zh, c)).toMatch(/^\d+ \S+后$/);
    }
  });

  it('keeps a stored value that is not one of the choices selectable', () => {
    const html = expirationOptions(translator('en'), '3600', escapeHtmlStrict);
    expect(html).toContain('<option value="3600" selected>3600</option>');
    expect(expirationOptions(translator('en'), null, escapeHtmlStrict)).toContain('<option value="" selected>');
  });
});

describe('client configurations', () => {
  const input = { baseUrl: 'https://pics.example.com/', key: 'chv_abc_' + 'f'.repeat(64) };

  it('ShareX: multipart to the API with the key in a header', () => {
    const sxcu = shareXConfig(input);
    expect(sxcu.RequestURL).toBe('https://pics.example.com/api/1/upload');
    expect(sxcu.Name).toBe('Pinhole (pics.example.com)');
    expect(sxcu.Headers).toEqual({ 'X-API-Key': input.key });
  });

  it('PicGo: both plugin sections point at the API', () => {
    const config = picGoConfig(input) as { picBed: Record<string, Record<string, string>> };
    expect(config.picBed['web-uploader']?.url).toBe('https://pics.example.com/api/1/upload');
    expect(config.picBed.chevereto?.key).toBe(input.key);
  });
});

describe('per-address login limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stops one address spraying many accounts, but not other addresses', async () => {
    const auth = new WebAuthService({ repos: server.c.db, clock: server.clock, limits: { loginPerIp: { max: 5, windowMs: 60_000 } } });
    for (let i = 0; i < 5; i++) expect((await auth.throttleLogin('203.0.113.7', `user${i}`)).ok).toBe(true);
    const blocked = await auth.throttleLogin('203.0.113.7', 'user-new');
    expect(blocked).toEqual({ ok: false, retryAfter: 60 });
    expect((await auth.throttleLogin('203.0.113.8', 'user-new')).ok).toBe(true);
    // A success resets only that account's counter, not the address's.
    await auth.loginSucceeded('203.0.113.7', 'user0');
    expect((await auth.throttleLogin('203.0.113.7', 'user0')).ok).toBe(false);
    server.clock.advance(60_001);
    expect((await auth.throttleLogin('203.0.113.7', 'user0')).ok).toBe(true);
  });

  it('checks a password against a dummy hash when the user does not exist', async () => {
    const auth = new WebAuthService({ repos: server.c.db, clock: server.clock });
    expect(await auth.verifyLogin('ghost', 'whatever')).toEqual({ kind: 'wrong' });
    const started = performance.now();
    await auth.verifyLogin('ghost', 'whatever');
    const missing = performance.now() - started;
    const started2 = performance.now();
    await auth.verifyLogin('alice', 'wrong-password');
    const wrong = performance.now() - started2;
    // Both cost one scrypt; a missing user must not answer an order of magnitude faster.
    expect(missing).toBeGreaterThan(wrong / 5);
    expect((await auth.verifyLogin('alice', 'alice-password')).kind).toBe('ok');
  });
});
