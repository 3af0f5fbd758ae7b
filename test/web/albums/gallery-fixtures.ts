import { fixturePath } from '../../fixtures/generate.js';
import { newImage } from '../../db/db-fixtures.js';
import type { TestServer } from '../../helpers/app.js';
import { imageOf, uploadMultipart, type Field } from '../../helpers/upload.js';
import { WebSession, type WebAnswer } from '../../helpers/web-session.js';
import type { Album, AlbumPrivacy, NewImage, User } from '../../../src/ports/repositories.js';
import { AlbumService } from '../../../src/services/album.service.js';

export interface Member {
  readonly user: User;
  readonly key: string;
  readonly password: string;
}

export async function member(server: TestServer, username: string, options: { admin?: boolean } = {}): Promise<Member> {
  const password = `${username}-password`;
  const user = await server.c.accounts.createUser({ username, password, isAdmin: options.admin ?? false });
  return { user, key: (await server.c.accounts.createKey(user.id, 'test')).key, password };
}

/** A browser logged in through the real login form. */
export async function loggedIn(server: TestServer, who: { readonly user: User; readonly password: string }): Promise<WebSession> {
  const web = new WebSession(server);
  const res = await web.submit('/login', { username: who.user.username, password: who.password });
  if (res.status !== 303) throw new Error(`login of ${who.user.username} failed: ${res.status}`);
  return web;
}

/** A real upload through the API; returns the API's image object. */
export async function upload(server: TestServer, key: string, fields: Record<string, Field> = {}, file = 'small.jpg'): Promise<Record<string, unknown>> {
  const a = await uploadMultipart(server, { source: { file: fixturePath(file) }, ...fields }, { headers: { 'x-api-key': key } });
  return imageOf(a);
}

/** A row without files, for listings that only need many items fast (their thumbnails do not exist). */
export async function quickImage(server: TestServer, overrides: Partial<NewImage> = {}): Promise<number> {
  return server.c.db.images.insert(newImage(overrides), 'x'.repeat(64));
}

export async function album(server: TestServer, owner: User, privacy: AlbumPrivacy, name = `${privacy} album`, password?: string): Promise<Album> {
  // The same service the routes use, built the same way.
  const albums = new AlbumService({ db: server.c.db, deletion: server.c.deletion, clock: server.clock });
  const result = await albums.create(owner, { name, privacy, password });
  if (!result.ok) throw new Error(`album not created: ${result.problem}`);
  return result.album;
}

export function albumPath(server: TestServer, a: Pick<Album, 'id'>): string {
  return `/album/${server.c.ids.encode(a.id)}`;
}

/** Follows one redirect on the same session (the tests never follow them blindly). */
export async function follow(web: WebSession, res: WebAnswer): Promise<WebAnswer> {
  if (!res.location) throw new Error(`not a redirect: ${res.status}`);
  return web.get(res.location.replace(/^https?:\/\/[^/]+/, ''));
}

/** Posts a urlencoded body with repeated names (checkbox lists). */
export function postPairs(web: WebSession, path: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<WebAnswer> {
  const body = new URLSearchParams();
  for (const [k, v] of pairs) body.append(k, v);
  return web.request(path, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

export function csrfOf(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error('no csrf token');
  return match[1];
}
