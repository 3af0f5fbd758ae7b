/** Reads the recipes the API pages show, as a person would copy them, so tests replay exactly those. */

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#39;': "'" };

export function unescapeHtml(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|apos|#39);/g, (m) => ENTITIES[m] ?? m);
}

/** The text of the code block marked `data-recipe="name"`. */
export function recipeText(html: string, name: string): string {
  const match = new RegExp(`<pre[^>]*data-recipe="${name}"[^>]*><code[^>]*>([\\s\\S]*?)</code></pre>`).exec(html);
  if (!match?.[1]) throw new Error(`no recipe ${name} on the page`);
  return unescapeHtml(match[1]);
}

/** The rows of the settings table marked `data-recipe="name"`: field id → value. */
export function recipeFields(html: string, name: string): Map<string, string[]> {
  const table = new RegExp(`<table[^>]*data-recipe="${name}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (!table) throw new Error(`no table ${name} on the page`);
  const rows = new Map<string, string[]>();
  for (const m of table.matchAll(/<tr data-field="([^"]+)">[\s\S]*?<code[^>]*>([\s\S]*?)<\/code>/g)) {
    const id = m[1] ?? '';
    rows.set(id, [...(rows.get(id) ?? []), unescapeHtml(m[2] ?? '')]);
  }
  return rows;
}

/**
 * Splits a POSIX shell command line into words: single and double quotes, backslash escapes and
 * backslash-newline continuations (all the shown commands use).
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      i++;
      if (next === '\n') continue;
      if (quote === '"' && !'"\\$`'.includes(next)) word = (word ?? '') + c;
      word = (word ?? '') + next;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
      continue;
    }
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word = (word ?? '') + c;
  }
  if (quote) throw new Error('unclosed quote');
  if (word !== null) words.push(word);
  return words;
}

/** `a.b.c` of a JSON value, as PicGo's jsonPath and ShareX's `{json:…}` read it. */
export function atPath(value: unknown, dotted: string | readonly string[]): unknown {
  const parts = typeof dotted === 'string' ? dotted.split('.') : dotted;
  let node = value;
  for (const p of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/** Fills ShareX's `{json:path}` placeholders from an answer. */
export function sharexTemplate(template: string, answer: unknown): string {
  return template.replace(/\{json:([^}]+)\}/g, (_m, p: string) => String(atPath(answer, p) ?? ''));
}
