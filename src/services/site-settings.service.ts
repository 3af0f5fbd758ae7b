import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { SettingRepository } from '../ports/repositories.js';
import { isTimeZone } from '../domain/format.js';

/**
 * First path segments the site itself serves. A viewer route name equal to one of them would be
 * shadowed by (or shadow) that page, so the dashboard refuses them.
 */
export const RESERVED_ROUTE_NAMES: ReadonlySet<string> = new Set([
  'upload', 'explore', 'user', 'users', 'album', 'albums', 'tag', 'tags', 'search', 'settings', 'dashboard', 'moderate',
  'login', 'signup', 'logout', 'account', 'json', 'api', 'api-v1', 'images', 'static', 'oembed', 'healthz', 'page',
  'category', 'following', 'assets',
]);

const flag = z.boolean();
const megabytes = z.number().min(0.001).max(100_000);
const perWindow = (max: number) => z.number().int().min(0).max(max);
const routeName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/)
  .refine((name) => !RESERVED_ROUTE_NAMES.has(name), { params: { reason: 'reserved' } });

/** Every setting an admin may change at run time, with the rule its values follow. */
const FIELDS = {
  guestUploads: flag,
  // Empty turns guest API uploads off; a short guessable key would make them public anyway.
  guestKey: z.string().max(200).refine((key) => key === '' || (key.length >= 8 && !/\s/.test(key))),
  maxUploadMb: megabytes,
  maxUploadMbGuest: megabytes,
  floodProtection: flag,
  floodPerMinute: perWindow(1_000_000),
  floodPerHour: perWindow(1_000_000),
  floodPerDay: perWindow(1_000_000),
  floodPerWeek: perWindow(10_000_000),
  floodPerMonth: perWindow(10_000_000),
  moderation: z.enum(['off', 'all', 'guest']),
  duplicates: z.enum(['allow', 'reuse', 'reject']),
  urlUploads: z.enum(['off', 'admins', 'everyone']),
  routeImage: routeName,
  routeVideo: routeName,
  timeZone: z.string().refine(isTimeZone),
  defaultLanguage: z.enum(['en', 'zh-CN']),
  signups: flag,
} as const;

export type SiteValues = { readonly [K in keyof typeof FIELDS]: z.infer<(typeof FIELDS)[K]> };
export type SiteKey = keyof SiteValues;
export const SITE_KEYS = Object.keys(FIELDS) as SiteKey[];
export type SettingSource = 'default' | 'saved';
/** Why a submitted value was refused: breaks the field's rule, is a reserved word, or repeats the other route. */
export type SettingProblem = 'invalid' | 'reserved' | 'same-route';

export function isSiteKey(value: unknown): value is SiteKey {
  return typeof value === 'string' && Object.hasOwn(FIELDS, value);
}

/** How the dashboard's form text becomes a typed value; zod then decides whether it is allowed. */
export function settingKind(key: SiteKey): 'flag' | 'number' | 'choice' | 'text' {
  const schema: z.ZodType = FIELDS[key];
  if (schema === flag) return 'flag';
  if (schema instanceof z.ZodEnum) return 'choice';
  if (schema instanceof z.ZodNumber) return 'number';
  return 'text';
}

export function settingChoices(key: SiteKey): readonly string[] {
  const schema: z.ZodType = FIELDS[key];
  return schema instanceof z.ZodEnum ? (schema.options as readonly string[]) : [];
}

function fromText(key: SiteKey, text: string): unknown {
  const value = text.trim();
  switch (settingKind(key)) {
    case 'flag':
      return value === 'on' ? true : value === 'off' ? false : value;
    case 'number':
      return value === '' ? Number.NaN : Number(value);
    default:
      return value;
  }
}

/** The values the environment (or the built-in defaults) gives when nothing is saved. */
export function defaultsFromConfig(config: Config): SiteValues {
  const mb = (bytes: number) => bytes / 1_000_000;
  return {
    guestUploads: config.guestUploads,
    guestKey: config.guestKey,
    maxUploadMb: mb(config.limits.maxBytes),
    maxUploadMbGuest: mb(config.limits.maxBytesGuest),
    floodProtection: config.flood.enabled,
    floodPerMinute: config.flood.minute,
    floodPerHour: config.flood.hour,
    floodPerDay: config.flood.day,
    floodPerWeek: config.flood.week,
    floodPerMonth: config.flood.month,
    moderation: config.moderation,
    duplicates: config.duplicates,
    urlUploads: config.urlSources.mode,
    routeImage: config.routes.image,
    routeVideo: config.routes.video,
    timeZone: config.timeZone,
    defaultLanguage: config.defaultLanguage,
    signups: config.signups,
  };
}

export interface SiteSettingsDeps {
  readonly settings: SettingRepository;
  readonly defaults: SiteValues;
  readonly logger?: { warn(details: object, message: string): void };
  /** How long a cached copy is trusted before the version row is checked again. */
  readonly refreshMs?: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
}

const PREFIX = 'site.';
/** Changed (to a random token) by every write, so each instance notices with one cheap read. */
export const VERSION_KEY = 'settings_version';
const DEFAULT_REFRESH_MS = 5_000;

/**
 * Site settings an admin changes in the dashboard: the effective value is the one saved in the
 * database, else the environment's default. Readers get a synchronous in-memory copy; it is
 * refreshed when `settings_version` changes, which every instance checks at most every few seconds,
 * so several instances behind one database converge without a restart.
 */
export class SiteSettings {
  private effective: SiteValues;
  private saved = new Set<SiteKey>();
  private version: string | null = null;
  private readonly savedListeners: Array<() => void> = [];
  private checkedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly now: () => number;

  /** Live views for consumers that keep a reference to an options object. */
  readonly routes: { readonly image: string; readonly video: string };
  readonly limits: { readonly maxBytes: number; readonly maxBytesGuest: number };
  readonly flood: { readonly enabled: boolean; readonly minute: number; readonly hour: number; readonly day: number; readonly week: number; readonly month: number };

  constructor(private readonly deps: SiteSettingsDeps) {
    this.effective = { ...deps.defaults };
    this.refreshMs = deps.refreshMs ?? DEFAULT_REFRESH_MS;
    this.now = deps.now ?? (() => performance.now());
    const self = this;
    this.routes = {
      get image() { return self.effective.routeImage; },
      get video() { return self.effective.routeVideo; },
    };
    const bytes = (mb: number) => Math.round(mb * 1_000_000);
    this.limits = {
      get maxBytes() { return bytes(self.effective.maxUploadMb); },
      get maxBytesGuest() { return bytes(self.effective.maxUploadMbGuest); },
    };
    this.flood = {
      get enabled() { return self.effective.floodProtection; },
      get minute() { return self.effective.floodPerMinute; },
      get hour() { return self.effective.floodPerHour; },
      get day() { return self.effective.floodPerDay; },
      get week() { return self.effective.floodPerWeek; },
      get month() { return self.effective.floodPerMonth; },
    };
  }

  get values(): SiteValues {
    return this.effective;
  }

  get defaults(): SiteValues {
    return this.deps.defaults;
  }

  source(key: SiteKey): SettingSource {
    return this.saved.has(key) ? 'saved' : 'default';
  }

  /** Reads every saved value now (start-up, and after another instance wrote). */
  async load(): Promise<void> {
    const { settings, defaults, logger } = this.deps;
    const version = await settings.get(VERSION_KEY);
    const rows = await settings.list(PREFIX);
    const next: Record<string, unknown> = { ...defaults };
    const saved = new Set<SiteKey>();
    for (const { key, value } of rows) {
      const name = key.slice(PREFIX.length);
      if (!isSiteKey(name)) continue;
      const parsed = FIELDS[name].safeParse(parseJson(value));
      if (!parsed.success) {
        // A hand-edited or older value must not take the site down; the default is safe.
        logger?.warn({ setting: name }, 'ignoring an invalid saved site setting; using the default');
        continue;
      }
      next[name] = parsed.data;
      saved.add(name);
    }
    if (next.routeImage === next.routeVideo) {
      logger?.warn({ route: next.routeImage }, 'saved viewer route names collide; using the defaults');
      next.routeImage = defaults.routeImage;
      next.routeVideo = defaults.routeVideo;
      saved.delete('routeImage');
      saved.delete('routeVideo');
    }
    this.effective = next as SiteValues;
    this.saved = saved;
    this.version = version;
    this.checkedAt = this.now();
  }

  /** True when the cached copy is older than the refresh interval (a synchronous check, no I/O). */
  isStale(): boolean {
    return this.now() - this.checkedAt >= this.refreshMs;
  }

  /** Checks the version row when the cached copy is older than the refresh interval; never throws. */
  async refreshIfStale(): Promise<void> {
    if (!this.isStale()) return;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = null;
    });
    await this.inflight;
  }

  /**
   * Another process saved settings: the cached copy counts as stale from now on, so the next
   * request reads them again before it is answered (the app's onRequest hook), and a read starts now.
   */
  savedElsewhere(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
    void this.refreshIfStale();
  }

  /** Calls `listener` after this process saved changed settings (a cluster's other workers then refresh at once). */
  onSaved(listener: () => void): void {
    this.savedListeners.push(listener);
  }

  async refresh(): Promise<void> {
    try {
      const version = await this.deps.settings.get(VERSION_KEY);
      if (version !== this.version) await this.load();
      else this.checkedAt = this.now();
    } catch (error) {
      // Serving with slightly old settings beats failing requests while the database hiccups.
      this.checkedAt = this.now();
      this.deps.logger?.warn({ err: error }, 'could not refresh site settings; keeping the cached values');
    }
  }

  /**
   * Checks form text for the given settings against the current values; nothing is stored.
   * Returns the typed values, or the problem of each refused field.
   */
  validate(input: Partial<Record<SiteKey, string>>): { values: Partial<SiteValues>; problems: Partial<Record<SiteKey, SettingProblem>> } {
    const values: Record<string, unknown> = {};
    const problems: Partial<Record<SiteKey, SettingProblem>> = {};
    for (const key of SITE_KEYS) {
      const text = input[key];
      if (text === undefined) continue;
      const parsed = FIELDS[key].safeParse(fromText(key, text));
      if (parsed.success) values[key] = parsed.data;
      else problems[key] = parsed.error.issues.some((i) => i.code === 'custom' && i.params?.reason === 'reserved') ? 'reserved' : 'invalid';
    }
    const image = (values.routeImage as string | undefined) ?? this.effective.routeImage;
    const video = (values.routeVideo as string | undefined) ?? this.effective.routeVideo;
    if (!problems.routeImage && !problems.routeVideo && image === video) problems[input.routeVideo !== undefined ? 'routeVideo' : 'routeImage'] = 'same-route';
    return { values: values as Partial<SiteValues>, problems };
  }

  /**
   * Saves the values that differ from the effective ones (a value equal to its default stays
   * unsaved, so the environment keeps deciding it) and forgets the `reset` ones. All or nothing.
   */
  async update(input: Partial<Record<SiteKey, string>>, reset: readonly SiteKey[] = []): Promise<{ ok: true; changed: SiteKey[] } | { ok: false; problems: Partial<Record<SiteKey, SettingProblem>> }> {
    const { values, problems } = this.validate(input);
    if (Object.keys(problems).length > 0) return { ok: false, problems };
    const routesAfter = {
      routeImage: reset.includes('routeImage') ? this.defaults.routeImage : (values.routeImage ?? this.effective.routeImage),
      routeVideo: reset.includes('routeVideo') ? this.defaults.routeVideo : (values.routeVideo ?? this.effective.routeVideo),
    };
    if (routesAfter.routeImage === routesAfter.routeVideo) return { ok: false, problems: { [reset.includes('routeImage') ? 'routeImage' : 'routeVideo']: 'same-route' } };
    const changed: SiteKey[] = [];
    const { settings } = this.deps;
    for (const key of SITE_KEYS) {
      if (reset.includes(key)) {
        if (!this.saved.has(key)) continue;
        await settings.delete(PREFIX + key);
        changed.push(key);
        continue;
      }
      const value = values[key];
      if (value === undefined || value === this.effective[key]) continue;
      await settings.set(PREFIX + key, JSON.stringify(value));
      changed.push(key);
    }
    if (changed.length > 0) {
      await settings.set(VERSION_KEY, randomBytes(8).toString('hex'));
      await this.load();
      for (const listener of this.savedListeners) listener();
    }
    return { ok: true, changed };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
