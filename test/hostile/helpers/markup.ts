/**
 * A small HTML tag scanner for XSS checks: it reads real tags with their attributes (quoted values
 * stay values), so escaped text such as `alt="&lt;svg onload=…&gt;"` is not mistaken for markup.
 */
const TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

export interface Tag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

export function tagsOf(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(TAG)) {
    const attributes = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(ATTRIBUTE)) {
      const raw = a[2] ?? '';
      attributes.set((a[1] ?? '').toLowerCase(), raw.replace(/^["']|["']$/g, ''));
    }
    out.push({ name: (m[1] ?? '').toLowerCase(), attributes });
  }
  return out;
}

/** Markup that could run script: event handlers, inline scripts, frames, javascript: URLs. */
export function scriptableMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const tag of tagsOf(html)) {
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on')) problems.push(`<${tag.name} ${name}=…>`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(value)) {
        problems.push(`<${tag.name} ${name}="${value.slice(0, 40)}">`);
      }
    }
    const type = tag.attributes.get('type') ?? '';
    if (tag.name === 'script' && !tag.attributes.has('src') && !/json/.test(type)) problems.push('inline <script>');
    if (['iframe', 'object', 'embed', 'frame', 'base'].includes(tag.name)) problems.push(`<${tag.name}>`);
  }
  return problems;
}
