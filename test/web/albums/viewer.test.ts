import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/app.js';
import { WebSession } from '../../helpers/web-session.js';
import { album, csrfOf, follow, loggedIn, member, upload, type Member } from './gallery-fixtures.js';

let server: TestServer;
let alice: Member;
let bob: Member;

beforeAll(async () => {
  server = await startTestServer();
  const user = (await server.c.accounts.findUser('alice'))!;
  alice = { user, key: server.aliceKey, password: 'alice-password' };
  bob = await member(server, 'bob');
});
afterAll(async () => {
  await server?.stop();
});

const path = (image: Record<string, unknown>) => String(image.path_viewer);
const meta = (html: string, key: string) => new RegExp(`<meta (?:property|name)="${key.replace(/[.:]/g, '\\$&')}" content="([^"]*)">`).exec(html)?.[1];

describe('the viewer page', () => {
  it('shows the medium (the original on click), title, description, tags, album, owner, time and views', async () => {
    const a = await album(server, alice.user, 'public', 'Holidays');
    const image = await upload(server, alice.key, { title: 'Beach at dusk', description: 'Line one\nLine two', tags: 'sea, sunset', album_id: server.c.ids.encode(a.id) }, 'photo.jpg');
    const page = await new WebSession(server).get(path(image));
    expect(page.status).toBe(200);
    const medium = (image.medium as { url: string }).url;
    expect(page.text).toContain(`<img class="media" src="${medium}"`);
    expect(page.text).toContain(`<a href="${String(image.url)}"`);
    expect(page.text).toContain('<h1>Beach at dusk</h1>');
    expect(page.text).toContain('Line one<br>Line two');
    expect(page.text).toContain('<a href="/tag/sea" rel="tag">sea</a>');
    expect(page.text).toContain('<a href="/tag/sunset" rel="tag">sunset</a>');
    expect(page.text).toContain(`<a href="/album/Holidays.${server.c.ids.encode(a.id)}">Holidays</a>`);
    expect(page.text).toContain('<a href="/user/alice" rel="author">alice</a>');
    expect(page.text).toContain('<dt>Uploaded</dt>');
    expect(page.text).toContain('1 view<');
    // Links and embed codes, without the delete link, each with a copy button.
    expect(page.text).toContain(`id="code-viewer-links" class="link" readonly value="${String(image.url_viewer)}"`);
    expect(page.text).toContain('data-copy-target="code-bbcode-embed"');
    expect(page.text).not.toContain('/delete/');
    expect(page.text).toContain('<script type="module" src="/static/copy.js"></script>');
    // Not the owner: no editor.
    expect(page.text).not.toContain('name="title"');

    const zh = await new WebSession(server).get(`${path(image)}?lang=zh-CN`);
    expect(zh.text).toContain('<dt>上传时间</dt>');
    expect(zh.text).toContain('链接和嵌入代码');
  });

  it('escapes hostile titles, descriptions, tags and album names everywhere', async () => {
    const a = await album(server, alice.user, 'public', '<svg onload=alert(1)>');
    const image = await upload(server, alice.key, {
      title: '<script>alert("t")</script>',
      description: '"><img src=x onerror=alert(2)>',
      tags: '<i>x, "q"',
      album_id: server.c.ids.encode(a.id),
    });
    const page = await new WebSession(server).get(path(image));
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script>alert|<img src=x|<svg onload|<i>x/);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;');
    expect(page.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.text).toContain('&lt;svg onload=alert(1)&gt;');
    expect(page.text).toContain('&lt;i&gt;x');
    expect(meta(page.text, 'og:title')).toBe('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;');
    // The album page and the tag page escape them too.
    const albumPage = await new WebSession(server).get(`/album/${server.c.ids.encode(a.id)}`);
    const albumHtml = albumPage.location ? (await new WebSession(server).get(albumPage.location)).text : albumPage.text;
    expect(albumHtml).not.toMatch(/<svg onload|<script>alert/);
    const tag = await new WebSession(server).get('/tag/%3Ci%3Ex');
    expect(tag.status).toBe(200);
    expect(tag.text).not.toMatch(/<i>x|<script>alert/);
  });

  it('has Open Graph and Twitter card tags and an oEmbed link for images and clips', async () => {
    const image = await upload(server, alice.key, { title: 'Wide', description: 'A wide one' }, 'photo.jpg');
    const page = await new WebSession(server).get(path(image));
    const medium = image.medium as { url: string; width?: number };
    expect(meta(page.text, 'og:title')).toBe('Wide');
    expect(meta(page.text, 'og:description')).toBe('A wide one');
    expect(meta(page.text, 'og:type')).toBe('website');
    expect(meta(page.text, 'og:image')).toBe(medium.url);
    expect(meta(page.text, 'og:image:width')).toBe('500');
    expect(Number(meta(page.text, 'og:image:height'))).toBeGreaterThan(0);
    expect(meta(page.text, 'og:url')).toBe(String(image.url_viewer));
    expect(meta(page.text, 'twitter:card')).toBe('summary_large_image');
    const oembedHref = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(page.text)?.[1];
    expect(oembedHref).toBeDefined();
    const oembed = await fetch(oembedHref!.replace(/&amp;/g, '&'));
    expect(oembed.status).toBe(200);
    expect(oembed.headers.get('content-type')).toMatch(/^application\/json/);
    const photo = (await oembed.json()) as Record<string, unknown>;
    expect(photo).toMatchObject({ version: '1.0', type: 'photo', title: 'Wide', url: medium.url, width: 500, provider_name: 'Pinhole', author_name: 'alice' });
    expect(photo.height).toBe(Number(meta(page.text, 'og:image:height')));
    expect(String(photo.thumbnail_url)).toBe((image.thumb as { url: string }).url);

    const clip = await upload(server, alice.key, {}, 'clip.mp4');
    const clipPage = await new WebSession(server).get(path(clip));
    expect(meta(clipPage.text, 'og:type')).toBe('video.other');
    expect(meta(clipPage.text, 'og:video')).toBe(String(clip.url));
    expect(meta(clipPage.text, 'og:video:type')).toBe('video/mp4');
    expect(meta(clipPage.text, 'twitter:card')).toBe('player');
    expect(clipPage.text).toContain(`poster="${String(clip.url_frame)}"`);
    const video = (await (await fetch(`${server.url}/oembed?url=${encodeURIComponent(String(clip.url_viewer))}&format=json&maxwidth=320`)).json()) as Record<string, unknown>;
    expect(video).toMatchObject({ type: 'video', width: 320, height: 180 });
    expect(String(video.html)).toMatch(/^<video src="[^"]+\.mp4" controls preload="metadata" poster="[^"]+\.fr\.jpeg" width="320" height="180"><\/video>$/);

    expect((await fetch(`${server.url}/oembed?url=${encodeURIComponent(String(image.url_viewer))}&format=xml`)).status).toBe(501);
    expect((await fetch(`${server.url}/oembed?url=${encodeURIComponent(`${server.url}/image/zzzzzz`)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/oembed?url=${encodeURIComponent('https://elsewhere.example/image/x')}`)).status).toBe(404);
    expect((await fetch(`${server.url}/oembed`)).status).toBe(400);
  });

  it('shows EXIF only when it was kept', async () => {
    const plain = await upload(server, alice.key, {}, 'photo.jpg');
    expect((await new WebSession(server).get(path(plain))).text).not.toContain('EXIF');
    await server.c.db.users.update(alice.user.id, { keepExif: true });
    try {
      const kept = await upload(server, alice.key, {}, 'photo.jpg');
      const page = await new WebSession(server).get(path(kept));
      expect(page.text).toContain('Camera data (EXIF)');
      expect(page.text).toContain('<th scope="row">Camera</th><td>Pinhole Fixture Cam</td>');
      expect(page.text).toContain('<td>2021-06-15 10:20:30</td>');
      // Kept GPS stays in the file but is not put on the page.
      expect(page.text).not.toMatch(/GPS|52\.52/);
    } finally {
      await server.c.db.users.update(alice.user.id, { keepExif: null });
    }
  });

  it('links the previous and next items of the album', async () => {
    const a = await album(server, alice.user, 'public', 'Trip');
    const encoded = server.c.ids.encode(a.id);
    const [first, second, third] = [
      await upload(server, alice.key, { title: 'First', album_id: encoded }),
      await upload(server, alice.key, { title: 'Second', album_id: encoded }),
      await upload(server, alice.key, { title: 'Third', album_id: encoded }),
    ];
    const middle = await new WebSession(server).get(path(second!));
    expect(middle.text).toContain(`rel="prev" href="${path(first!)}"`);
    expect(middle.text).toContain(`rel="next" href="${path(third!)}"`);
    const start = await new WebSession(server).get(path(first!));
    expect(start.text).not.toContain('rel="prev"');
    expect(start.text).toContain(`rel="next" href="${path(second!)}"`);
    expect(start.text).toContain('<script type="module" src="/static/gallery.js"></script>');
  });

  it('redirects a short URL to the titled path, and serves it when the title gives no slug', async () => {
    const a = await album(server, alice.user, 'public', 'Short ones');
    const albumId = server.c.ids.encode(a.id);
    const titled = await upload(server, alice.key, { title: 'Harbour lights', album_id: albumId });
    const bare = await upload(server, alice.key, { title: '???', album_id: albumId });
    const id = (image: Record<string, unknown>) => String(image.id_encoded);

    const short = await new WebSession(server).get(`/image/${id(titled)}`);
    expect([short.status, short.location]).toEqual([302, path(titled)]);
    expect(path(titled)).toMatch(/^\/image\/Harbour-lights\./);

    // No slug: the short path is the canonical one, a whole page with owner and album.
    expect(path(bare)).toBe(`/image/${id(bare)}`);
    const page = await new WebSession(server).get(path(bare));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/user/alice" rel="author">alice</a>');
    expect(page.text).toContain(`<a href="/album/Short-ones.${albumId}">Short ones</a>`);
    expect(page.text).toContain(`href="${path(titled)}"`);
    expect((await new WebSession(server).get(`/image/${server.c.ids.encode(99_999_999)}`)).status).toBe(404);
  });

  it('counts a view once per browser, and not the owner’s', async () => {
    const image = await upload(server, alice.key, { title: 'Counted' });
    const id = server.c.ids.decode(String(image.id_encoded))!;
    const visitor = new WebSession(server);
    await visitor.get(path(image));
    await visitor.get(path(image));
    expect((await server.c.db.images.findById(id))?.views).toBe(1);
    await new WebSession(server).get(path(image));
    const owner = await loggedIn(server, alice);
    const own = await owner.get(path(image));
    expect(own.text).toContain('2 views');
    expect((await server.c.db.images.findById(id))?.views).toBe(2);
  });
});

describe('editing and deleting from the viewer page', () => {
  it('lets the owner edit title, description, tags, album and NSFW, with CSRF', async () => {
    const image = await upload(server, alice.key, { title: 'Before', tags: 'old' });
    const target = await album(server, alice.user, 'private', 'Target');
    const web = await loggedIn(server, alice);
    const page = await web.get(path(image));
    expect(page.text).toContain('<form method="post" action="/image/' + String(image.id_encoded) + '/edit">');
    expect(page.text).toContain('<option value="' + server.c.ids.encode(target.id) + '">Target</option>');
    const fields = { title: 'After <b>', description: 'New words', tags: 'new, more', album: server.c.ids.encode(target.id), nsfw: '1' };

    const forged = await web.post(`/image/${String(image.id_encoded)}/edit`, fields);
    expect(forged.status).toBe(403);
    const res = await web.post(`/image/${String(image.id_encoded)}/edit`, { _csrf: csrfOf(page.text), ...fields });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/image/After.${String(image.id_encoded)}?saved=1`);
    const after = await follow(web, res);
    expect(after.text).toContain('<h1>After &lt;b&gt;</h1>');
    expect(after.text).toContain('New words');
    expect(after.text).toContain('rel="tag">new</a>');
    expect(after.text).not.toContain('rel="tag">old</a>');
    expect(after.text).toContain('>Target</a>');
    const stored = await server.c.db.images.findById(server.c.ids.decode(String(image.id_encoded))!);
    expect(stored).toMatchObject({ title: 'After <b>', description: 'New words', tags: ['new', 'more'], albumId: target.id, nsfw: true });
    expect((await server.c.db.albums.findById(target.id))?.imageCount).toBe(1);

    // Another user's album cannot be chosen.
    const foreign = await album(server, bob.user, 'public', 'Bob album');
    const refused = await web.post(`/image/${String(image.id_encoded)}/edit`, { _csrf: csrfOf(after.text), ...fields, album: server.c.ids.encode(foreign.id) });
    expect(refused.location).toContain('error=album');
    expect((await server.c.db.albums.findById(foreign.id))?.imageCount).toBe(0);
  });

  it('refuses other users and guests', async () => {
    const image = await upload(server, alice.key, { title: 'Mine' });
    const web = await loggedIn(server, bob);
    const page = await web.get(path(image));
    expect(page.text).not.toContain('/edit"');
    const token = csrfOf(page.text);
    expect((await web.post(`/image/${String(image.id_encoded)}/edit`, { _csrf: token, title: 'Hijacked' })).status).toBe(403);
    expect((await web.post(`/image/${String(image.id_encoded)}/delete`, { _csrf: token })).status).toBe(403);
    const guest = new WebSession(server);
    const guestToken = csrfOf((await guest.get(path(image))).text);
    expect((await guest.post(`/image/${String(image.id_encoded)}/delete`, { _csrf: guestToken })).status).toBe(403);
    expect((await server.c.db.images.findById(server.c.ids.decode(String(image.id_encoded))!))?.title).toBe('Mine');
  });

  it('deletes for the owner and goes to the profile', async () => {
    const image = await upload(server, alice.key, { title: 'Doomed' });
    const web = await loggedIn(server, alice);
    const page = await web.get(path(image));
    expect((await web.post(`/image/${String(image.id_encoded)}/delete`, {})).status).toBe(403);
    const res = await web.post(`/image/${String(image.id_encoded)}/delete`, { _csrf: csrfOf(page.text) });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/user/alice');
    expect((await web.get(path(image))).status).toBe(404);
    expect((await fetch(String(image.url))).status).toBe(404);
  });
});
