import { codePointSlice, encodeRfc3986 } from './text.js';

const MAX_SLUG_CODE_POINTS = 100;

/**
 * Viewer-URL slug (SPEC §2.5). The result is already percent-encoded, ready to be placed in
 * `{route}/{slug}.{id}`. Dots are kept: the viewer decodes only the part after the last `.`.
 *
 * Tags are stripped first rather than after the separator rewrite (Chevereto's order) so a
 * closing tag is still recognisable before `/` is removed and the gap a tag leaves behind is
 * collapsed like any other whitespace. Chevereto's slugs for tag-free titles are unchanged,
 * and a slug mismatch only costs a redirect to the canonical path anyway.
 */
export function viewerSlug(title: string | null): string {
  if (title === null) return '';
  let s = stripTags(title);
  s = s.replace(/[\\/~&!'"?]/g, '');
  s = s.replace(/[\s-]+/g, ' ').trim();
  s = codePointSlice(s, MAX_SLUG_CODE_POINTS).trimEnd();
  s = s.replace(/ /g, '-');
  return encodeRfc3986(s);
}

// Only things that look like markup count as tags, so a literal "a < b" title keeps its text.
function stripTags(s: string): string {
  return s.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<\/?[A-Za-z][^<>]*>/g, ' ');
}
