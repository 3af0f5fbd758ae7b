import * as common from './common.messages.js';
import * as uploader from './uploader.messages.js';
import * as account from './account.messages.js';
import * as apiDocs from './api-docs.messages.js';
import * as admin from './admin.messages.js';
import * as albums from './albums.messages.js';

/**
 * Every page string in English and Simplified Chinese. Each feature keeps its strings in its own
 * `*.messages.ts` (an `en` object and a `zhCN` object typed to have exactly the same keys); add a
 * new file to the two spreads below.
 */
const en = { ...common.en, ...uploader.en, ...account.en, ...apiDocs.en, ...admin.en, ...albums.en } as const;
const zhCN: Record<keyof typeof en, string> = { ...common.zhCN, ...uploader.zhCN, ...account.zhCN, ...apiDocs.zhCN, ...admin.zhCN, ...albums.zhCN };

export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', 'zh-CN': '简体中文' };
export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

const tables: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, 'zh-CN': zhCN };

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'zh-CN';
}

/** Plain text with `{name}` placeholders filled; callers escape the result for HTML. */
export function translator(language: Language): Translate {
  const table = tables[language];
  return (key, vars) => {
    const template = table[key] ?? en[key];
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}

/** The whole table of a language, for the browser code. */
export function messagesFor(language: Language): Readonly<Record<MessageKey, string>> {
  return tables[language];
}

/** `zh`, `zh-CN`, `zh-Hans`… → zh-CN; anything else English, honouring q-weights in order. */
export function languageFromAcceptHeader(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)/.exec(p)).find(Boolean);
      return { tag: tag.toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-cn') || tag.startsWith('zh-hans') || tag === 'zh-sg') return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return null;
}
