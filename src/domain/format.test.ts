import { describe, it, expect } from 'vitest';
import {
  datePath,
  durationTime,
  escapeHtml,
  escapeHtmlStrict,
  formatDateTime,
  howLongAgo,
  likesLabel,
  sizeFormatted,
  titleTruncated,
  viewsLabel,
} from './format.js';

describe('sizeFormatted', () => {
  it('uses decimal units with one optional decimal', () => {
    expect(sizeFormatted(0)).toBe('0 B');
    expect(sizeFormatted(999)).toBe('999 B');
    expect(sizeFormatted(1000)).toBe('1 KB');
    expect(sizeFormatted(21212)).toBe('21.2 KB');
    expect(sizeFormatted(3011299)).toBe('3 MB');
    expect(sizeFormatted(5_000_000)).toBe('5 MB');
    expect(sizeFormatted(1_234_567_890)).toBe('1.2 GB');
    expect(sizeFormatted(2.5e12)).toBe('2.5 TB');
    expect(sizeFormatted(3e15)).toBe('3000 TB');
  });

  it('moves to the next unit when rounding reaches 1000', () => {
    expect(sizeFormatted(999_960)).toBe('1 MB');
    expect(sizeFormatted(999_940)).toBe('999.9 KB');
  });
});

describe('durationTime', () => {
  it('formats MM:SS without wrapping hours', () => {
    expect(durationTime(0)).toBe('');
    expect(durationTime(0.9)).toBe('');
    expect(durationTime(5)).toBe('00:05');
    expect(durationTime(73)).toBe('01:13');
    expect(durationTime(73.99)).toBe('01:13');
    expect(durationTime(4503)).toBe('75:03');
    expect(durationTime(Number.NaN)).toBe('');
  });
});

describe('titleTruncated', () => {
  it('keeps short titles and truncates long ones', () => {
    expect(titleTruncated('a'.repeat(28))).toBe('a'.repeat(28));
    expect(titleTruncated('a'.repeat(29))).toBe('a'.repeat(25) + '...');
    expect(titleTruncated('Badgers animated music video MrWeebl')).toBe('Badgers animated music vi...');
    expect(titleTruncated('abcdefghijklmnopqrstuvwx   yz zz')).toBe('abcdefghijklmnopqrstuvwx...');
    expect(titleTruncated('测'.repeat(28))).toBe('测'.repeat(28));
    expect(titleTruncated('😀'.repeat(30))).toBe('😀'.repeat(25) + '...');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
  });

  it('does not double-encode existing entities', () => {
    expect(escapeHtml('Tom &amp; Jerry')).toBe('Tom &amp; Jerry');
    expect(escapeHtml('it&#39;s &eacute; &#x27; &copy')).toBe('it&#39;s &eacute; &#x27; &amp;copy');
    expect(escapeHtml('a && b; &;')).toBe('a &amp;&amp; b; &amp;;');
  });

  it('strict variant always encodes', () => {
    expect(escapeHtmlStrict('Tom &amp; <Jerry>')).toBe('Tom &amp;amp; &lt;Jerry&gt;');
    expect(escapeHtmlStrict(`"'`)).toBe('&quot;&apos;');
  });
});

describe('formatDateTime / datePath', () => {
  const d = new Date('2024-10-10T03:04:05Z');

  it('formats in UTC and other zones with a 24-hour clock', () => {
    expect(formatDateTime(d, 'UTC')).toBe('2024-10-10 03:04:05');
    expect(formatDateTime(d, 'America/Santiago')).toBe('2024-10-10 00:04:05');
    expect(formatDateTime(d, 'Asia/Shanghai')).toBe('2024-10-10 11:04:05');
    expect(formatDateTime(new Date('2024-01-01T00:00:00Z'), 'UTC')).toBe('2024-01-01 00:00:00');
    expect(formatDateTime(new Date('2024-01-01T12:30:00Z'), 'UTC')).toBe('2024-01-01 12:30:00');
  });

  it('crosses the date line correctly', () => {
    expect(datePath(d, 'UTC')).toBe('2024/10/10');
    expect(datePath(d, 'Pacific/Honolulu')).toBe('2024/10/09');
    expect(datePath(new Date('2024-12-31T20:00:00Z'), 'Asia/Tokyo')).toBe('2025/01/01');
  });

  it('rejects unknown zones and invalid dates', () => {
    expect(() => formatDateTime(d, 'Not/AZone')).toThrow(RangeError);
    expect(() => formatDateTime(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('howLongAgo', () => {
  const now = new Date('2024-10-10T12:00:00Z');
  const ago = (s: number): Date => new Date(now.getTime() - s * 1000);

  it('shows the largest unit in English', () => {
    expect(howLongAgo(now, now, 'en')).toBe('moments ago');
    expect(howLongAgo(ago(0.5), now, 'en')).toBe('moments ago');
    expect(howLongAgo(ago(-10), now, 'en')).toBe('moments ago');
    expect(howLongAgo(ago(1), now, 'en')).toBe('1 second ago');
    expect(howLongAgo(ago(59), now, 'en')).toBe('59 seconds ago');
    expect(howLongAgo(ago(60), now, 'en')).toBe('1 minute ago');
    expect(howLongAgo(ago(7200), now, 'en')).toBe('2 hours ago');
    expect(howLongAgo(ago(3 * 86400), now, 'en')).toBe('3 days ago');
    expect(howLongAgo(ago(14 * 86400), now, 'en')).toBe('2 weeks ago');
    expect(howLongAgo(ago(45 * 86400), now, 'en')).toBe('1 month ago');
    expect(howLongAgo(ago(800 * 86400), now, 'en')).toBe('2 years ago');
  });

  it('speaks zh-CN', () => {
    expect(howLongAgo(now, now, 'zh-CN')).toBe('刚刚');
    expect(howLongAgo(ago(5), now, 'zh-CN')).toBe('5 秒前');
    expect(howLongAgo(ago(120), now, 'zh-CN')).toBe('2 分钟前');
    expect(howLongAgo(ago(3600), now, 'zh-CN')).toBe('1 小时前');
    expect(howLongAgo(ago(3 * 86400), now, 'zh-CN')).toBe('3 天前');
    expect(howLongAgo(ago(7 * 86400), now, 'zh-CN')).toBe('1 周前');
    expect(howLongAgo(ago(60 * 86400), now, 'zh-CN')).toBe('2 个月前');
    expect(howLongAgo(ago(365 * 86400), now, 'zh-CN')).toBe('1 年前');
  });
});

describe('labels', () => {
  it('pluralises in English', () => {
    expect(viewsLabel(0, 'en')).toBe('views');
    expect(viewsLabel(1, 'en')).toBe('view');
    expect(viewsLabel(2, 'en')).toBe('views');
    expect(likesLabel(0, 'en')).toBe('likes');
    expect(likesLabel(1, 'en')).toBe('like');
  });

  it('has fixed zh-CN words', () => {
    expect(viewsLabel(0, 'zh-CN')).toBe('次浏览');
    expect(viewsLabel(1, 'zh-CN')).toBe('次浏览');
    expect(likesLabel(3, 'zh-CN')).toBe('喜欢');
  });
});
