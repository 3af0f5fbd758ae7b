import { codePointLength, codePointSlice } from './text.js';

export type Locale = 'en' | 'zh-CN';

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, one decimal, trailing `.0` dropped: 21212 → `21.2 KB`, 3011299 → `3 MB`. */
export function sizeFormatted(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes) || 0)} B`;
  let value = bytes;
  let unit = 0;
  while (unit < SIZE_UNITS.length - 1 && round1(value) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${round1(value)} ${SIZE_UNITS[unit] ?? 'TB'}`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** `MM:SS`; minutes are not folded into hours (4503 → `75:03`); '' for no duration. */
export function durationTime(seconds: number): string {
  const total = Math.trunc(seconds);
  if (!Number.isFinite(total) || total <= 0) return '';
  const mm = String(Math.floor(total / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

export function titleTruncated(title: string): string {
  if (codePointLength(title) <= 28) return title;
  return codePointSlice(title, 25).trimEnd() + '...';
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes for `title_truncated_html`, leaving existing entities alone (Chevereto escapes with
 * double-encoding off, so a title stored as `Tom &amp; Jerry` is not shown as `&amp;amp;`).
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)|[<>"']/g,
    (c) => HTML_ENTITIES[c] ?? c,
  );
}

/** Always encodes; what templates want, since their input is plain text, never markup. */
export function escapeHtmlStrict(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface DateParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function partsIn(date: Date, timeZone: string): DateParts {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  const p: DateParts = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type in p) p[part.type as keyof DateParts] = part.value;
  }
  p.year = p.year.padStart(4, '0');
  return p;
}

/** Whether `tz` is an IANA time zone this runtime knows (e.g. `Asia/Shanghai`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD HH:MM:SS` in an IANA zone (an unknown zone throws RangeError). */
export function formatDateTime(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYY/MM/DD` of the local date, for `datefolder` storage paths. */
export function datePath(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.year}/${p.month}/${p.day}`;
}

type AgoUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

// Fixed unit lengths: only the largest unit is shown, so calendar precision would not show.
const AGO_UNITS: ReadonlyArray<readonly [AgoUnit, number]> = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const ZH_AGO: Readonly<Record<AgoUnit, string>> = {
  year: '年前',
  month: '个月前',
  week: '周前',
  day: '天前',
  hour: '小时前',
  minute: '分钟前',
  second: '秒前',
};

export function howLongAgo(then: Date, now: Date, locale: Locale): string {
  const diff = Math.floor((now.getTime() - then.getTime()) / 1000);
  for (const [unit, size] of AGO_UNITS) {
    if (!(diff >= size)) continue;
    const n = Math.floor(diff / size);
    if (locale === 'zh-CN') return `${n} ${ZH_AGO[unit]}`;
    return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  // Under a second, a clock skew into the future, or an invalid date.
  return locale === 'zh-CN' ? '刚刚' : 'moments ago';
}

export function viewsLabel(n: number, locale: Locale): string {
  if (locale === 'zh-CN') return '次浏览';
  return n === 1 ? 'view' : 'views';
}

export function likesLabel(n: number, locale: Locale): string {
  if (locale === 'zh-CN') return '喜欢';
  return n === 1 ? 'like' : 'likes';
}
