import { escapeHtmlStrict as e } from '../domain/format.js';

export interface PageOptions {
  readonly title: string;
  readonly body: string;
  /** Extra tags for <head> (already escaped). */
  readonly head?: string;
  readonly lang?: string;
}

/** The HTML shell of every server-rendered page. All interpolated text must be escaped by the caller. */
export function renderPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="${e(options.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(options.title)} · Pinhole</title>
${options.head ?? ''}
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 1100px; padding: 1rem; line-height: 1.5; }
  header a { font-weight: 700; text-decoration: none; color: inherit; }
  .media { display: block; max-width: 100%; max-height: 80vh; margin: 1rem auto; }
  .meta { color: #777; font-size: .9rem; }
  input.link { width: 100%; font: inherit; }
  button, .button { font: inherit; padding: .4rem .9rem; cursor: pointer; }
  .danger { background: #b3261e; color: #fff; border: 0; border-radius: 4px; }
</style>
</head>
<body>
<header><a href="/">Pinhole</a></header>
<main>
${options.body}
</main>
</body>
</html>`;
}

export { e as escape };
