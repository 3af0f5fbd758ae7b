/**
 * Links and embed codes of an upload (SPEC-API §4.3), built from the `image` object the API answers
 * with. Values are plain text: callers escape them for HTML. Used by the uploader's result screen
 * (with the delete link) and by viewer pages (without it).
 */

export type EmbedGroup = 'links' | 'html' | 'markdown' | 'bbcode';

export interface EmbedCode {
  readonly group: EmbedGroup;
  /** Stable id, e.g. `viewer-links`, `medium-bbcode-embed`. */
  readonly id: string;
  readonly value: string;
}

/** The fields of the API's image object that embed codes need. */
export interface EmbeddableImage {
  readonly type: 'image' | 'video';
  readonly url?: string | undefined;
  readonly url_viewer: string;
  readonly url_frame: string;
  readonly display_title: string;
  readonly thumb: { readonly url?: string | null | undefined };
  readonly medium: { readonly url?: string | null | undefined };
  readonly delete_url?: string | undefined;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown alt text and link targets must not close their brackets early. */
function md(value: string): string {
  return value.replace(/[[\]()]/g, (c) => `\\${c}`);
}

export function embedCodes(image: EmbeddableImage, options: { readonly includeDelete: boolean }): EmbedCode[] {
  const codes: EmbedCode[] = [];
  const add = (group: EmbedGroup, id: string, value: string | null | undefined) => {
    if (value) codes.push({ group, id, value });
  };
  const title = image.display_title;
  const viewer = image.url_viewer;
  const direct = image.url;
  const thumb = image.thumb.url ?? null;
  const medium = image.medium.url ?? null;
  const video = image.type === 'video';
  const frame = video ? image.url_frame : null;

  add('links', 'viewer-links', viewer);
  add('links', 'direct-links', direct);
  if (video) add('links', 'frame-links', frame);
  add('links', 'thumb-links', thumb);
  add('links', 'medium-links', medium);
  if (options.includeDelete) add('links', 'delete-links', image.delete_url);

  if (direct) {
    const full = video
      ? `<video src="${attr(direct)}" controls poster="${attr(frame ?? '')}"></video>`
      : `<img src="${attr(direct)}" alt="${attr(title)}" border="0">`;
    add('html', 'html-embed', full);
    add('html', 'full-html-embed', `<a href="${attr(viewer)}">${full}</a>`);
  }
  if (medium) add('html', 'medium-html-embed', `<a href="${attr(viewer)}"><img src="${attr(medium)}" alt="${attr(title)}" border="0"></a>`);
  if (thumb) add('html', 'thumb-html-embed', `<a href="${attr(viewer)}"><img src="${attr(thumb)}" alt="${attr(title)}" border="0"></a>`);

  if (direct) {
    add('markdown', 'markdown-embed', video ? `[![${md(title)}](${frame ?? ''})](${viewer})` : `![${md(title)}](${direct})`);
    add('markdown', 'full-markdown-embed', video ? `[![${md(title)}](${frame ?? ''})](${viewer})` : `[![${md(title)}](${direct})](${viewer})`);
  }
  if (medium) add('markdown', 'medium-markdown-embed', `[![${md(title)}](${medium})](${viewer})`);
  if (thumb) add('markdown', 'thumb-markdown-embed', `[![${md(title)}](${thumb})](${viewer})`);

  if (direct) {
    add('bbcode', 'bbcode-embed', video ? `[video]${direct}[/video]` : `[img]${direct}[/img]`);
    add('bbcode', 'full-bbcode-embed', video ? `[url=${viewer}][video]${direct}[/video][/url]` : `[url=${viewer}][img]${direct}[/img][/url]`);
  }
  if (medium) add('bbcode', 'medium-bbcode-embed', `[url=${viewer}][img]${medium}[/img][/url]`);
  if (thumb) add('bbcode', 'thumb-bbcode-embed', `[url=${viewer}][img]${thumb}[/img][/url]`);
  return codes;
}
