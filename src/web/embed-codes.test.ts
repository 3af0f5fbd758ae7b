import { describe, expect, it } from 'vitest';
import { embedCodes } from './embed-codes.js';

const image = {
  type: 'image' as const,
  url: 'https://h/images/2024/01/01/a.jpg',
  url_viewer: 'https://h/image/a.Gs',
  url_frame: '',
  display_title: 'A "quoted" <b> [title]',
  thumb: { url: 'https://h/images/2024/01/01/a.th.jpg' },
  medium: { url: null },
  delete_url: 'https://h/image/Gs/delete/abc',
};

describe('embed codes', () => {
  it('builds every link and embed of an image, escaping the title', () => {
    const codes = Object.fromEntries(embedCodes(image, { includeDelete: true }).map((c) => [c.id, c.value]));
    expect(codes['viewer-links']).toBe(image.url_viewer);
    expect(codes['delete-links']).toBe(image.delete_url);
    expect(codes['medium-links']).toBeUndefined();
    expect(codes['html-embed']).toBe('<img src="https://h/images/2024/01/01/a.jpg" alt="A &quot;quoted&quot; &lt;b&gt; [title]" border="0">');
    expect(codes['markdown-embed']).toBe('![A "quoted" <b> \\[title\\]](https://h/images/2024/01/01/a.jpg)');
    expect(codes['thumb-bbcode-embed']).toBe('[url=https://h/image/a.Gs][img]https://h/images/2024/01/01/a.th.jpg[/img][/url]');
    expect(embedCodes(image, { includeDelete: false }).some((c) => c.id === 'delete-links')).toBe(false);
  });

  it('uses video forms for clips', () => {
    const codes = Object.fromEntries(
      embedCodes({ ...image, type: 'video', url_frame: 'https://h/f.fr.jpeg', display_title: 'clip' }, { includeDelete: false }).map((c) => [c.id, c.value]),
    );
    expect(codes['html-embed']).toBe('<video src="https://h/images/2024/01/01/a.jpg" controls poster="https://h/f.fr.jpeg"></video>');
    expect(codes['bbcode-embed']).toBe('[video]https://h/images/2024/01/01/a.jpg[/video]');
    expect(codes['frame-links']).toBe('https://h/f.fr.jpeg');
    expect(codes['markdown-embed']).toBe('[![clip](https://h/f.fr.jpeg)](https://h/image/a.Gs)');
  });
});
