import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import type { SettingRepository } from '../ports/repositories.js';
import { defaultsFromConfig, SiteSettings, VERSION_KEY } from './site-settings.service.js';

/** The settings table as a Map, counting reads so tests can see when the database is asked. */
class MemorySettings implements SettingRepository {
  readonly rows = new Map<string, string>();
  reads = 0;
  async get(key: string) {
    this.reads++;
    return this.rows.get(key) ?? null;
  }
  async getOrInit(key: string, value: string) {
    if (!this.rows.has(key)) this.rows.set(key, value);
    return this.rows.get(key) ?? value;
  }
  async set(key: string, value: string) {
    this.rows.set(key, value);
  }
  async delete(key: string) {
    this.rows.delete(key);
  }
  async list(prefix: string) {
    this.reads++;
    return [...this.rows].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value }));
  }
}

function setup(env: Record<string, string> = {}) {
  const repo = new MemorySettings();
  let clock = 0;
  const warnings: string[] = [];
  const site = new SiteSettings({
    settings: repo,
    defaults: defaultsFromConfig(loadConfig(env)),
    now: () => clock,
    refreshMs: 1000,
    logger: { warn: (_details, message) => warnings.push(message) },
  });
  return { repo, site, warnings, advance: (ms: number) => (clock += ms) };
}

describe('SiteSettings', () => {
  it('starts from the environment and exposes live views', async () => {
    const { site } = setup({ PINHOLE_MAX_UPLOAD_MB: '3', PINHOLE_ROUTE_IMAGE: 'pic', PINHOLE_FLOOD_PER_HOUR: '9' });
    await site.load();
    const routes = site.routes;
    expect(site.limits.maxBytes).toBe(3_000_000);
    expect(site.flood.hour).toBe(9);
    expect(routes.image).toBe('pic');
    await site.update({ routeImage: 'photo', maxUploadMb: '0.5' });
    expect(routes.image).toBe('photo');
    expect(site.limits.maxBytes).toBe(500_000);
  });

  it('stores only values that differ, and forgets a reset one', async () => {
    const { site, repo } = setup();
    await site.load();
    expect(await site.update({ moderation: 'off', duplicates: 'reuse', signups: 'on' })).toEqual({ ok: true, changed: ['duplicates'] });
    expect(repo.rows.get('site.duplicates')).toBe('"reuse"');
    expect(repo.rows.has('site.moderation')).toBe(false);
    const version = repo.rows.get(VERSION_KEY);
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(await site.update({}, ['duplicates'])).toEqual({ ok: true, changed: ['duplicates'] });
    expect(repo.rows.has('site.duplicates')).toBe(false);
    expect(repo.rows.get(VERSION_KEY)).not.toBe(version);
    expect(site.source('duplicates')).toBe('default');
  });

  it('names the problem of each refused field and stores nothing', async () => {
    const { site, repo } = setup();
    await site.load();
    const result = await site.update({ routeImage: 'explore', routeVideo: 'Clip!', floodPerDay: '2.5', guestKey: 'short', timeZone: 'Nowhere/Else', signups: 'off' });
    expect(result).toEqual({ ok: false, problems: { routeImage: 'reserved', routeVideo: 'invalid', floodPerDay: 'invalid', guestKey: 'invalid', timeZone: 'invalid' } });
    expect(await site.update({ routeVideo: 'image' })).toEqual({ ok: false, problems: { routeVideo: 'same-route' } });
    expect(await site.update({ routeImage: 'clip', routeVideo: 'image' })).toMatchObject({ ok: true });
    // Resetting one of two swapped names would make them collide.
    expect(await site.update({}, ['routeImage'])).toEqual({ ok: false, problems: { routeImage: 'same-route' } });
    expect([...repo.rows.keys()].filter((k) => k.startsWith('site.')).sort()).toEqual(['site.routeImage', 'site.routeVideo']);
  });

  it('ignores stored values that break the rules, with a warning', async () => {
    const { site, repo, warnings } = setup();
    repo.rows.set('site.maxUploadMb', '-4');
    repo.rows.set('site.routeImage', '"clip"');
    repo.rows.set('site.floodPerMinute', '12');
    repo.rows.set('site.unknown', '1');
    await site.load();
    expect(site.values.maxUploadMb).toBe(5);
    expect(site.values.routeImage).toBe('image');
    expect(site.values.floodPerMinute).toBe(12);
    expect(warnings.length).toBe(2);
  });

  it('checks the version row at most once per interval and reloads only when it changed', async () => {
    const { site, repo, advance } = setup();
    await site.load();
    repo.reads = 0;
    await site.refreshIfStale();
    expect(repo.reads).toBe(0);
    advance(1500);
    await Promise.all([site.refreshIfStale(), site.refreshIfStale()]);
    expect(repo.reads).toBe(1);
    // Another instance writes.
    repo.rows.set('site.moderation', '"guest"');
    repo.rows.set(VERSION_KEY, 'changed');
    await site.refreshIfStale();
    expect(site.values.moderation).toBe('off');
    advance(1500);
    await site.refreshIfStale();
    expect(site.values.moderation).toBe('guest');
    expect(site.source('moderation')).toBe('saved');
  });

  it('keeps serving the cached values when the database fails', async () => {
    const { site, repo, advance, warnings } = setup();
    await site.load();
    repo.get = async () => {
      throw new Error('database is down');
    };
    advance(1500);
    await expect(site.refreshIfStale()).resolves.toBeUndefined();
    expect(site.values.moderation).toBe('off');
    expect(warnings).toContain('could not refresh site settings; keeping the cached values');
  });

  it('tells its listeners when it saved a change, and re-reads at once when another process did', async () => {
    const { site, repo, advance } = setup();
    await site.load();
    let saved = 0;
    site.onSaved(() => saved++);
    await site.update({ duplicates: 'reject' });
    await site.update({ duplicates: 'reject' });
    expect(saved).toBe(1);

    // Another process saves: the version row changes behind this one's back.
    repo.rows.set('site.duplicates', JSON.stringify('allow'));
    repo.rows.set(VERSION_KEY, 'from-another-process');
    advance(10);
    expect(site.isStale()).toBe(false);
    site.savedElsewhere();
    expect(site.isStale()).toBe(true);
    await site.refreshIfStale();
    expect(site.values.duplicates).toBe('allow');
    expect(site.isStale()).toBe(false);
  });
});
