import { SESSION_COOKIE } from '../../src/http/web/web-context.js';
import type { TestServer } from './app.js';
import { WebSession } from './web-session.js';

/** A browser stand-in already logged in as `username` (a session made directly, not through /login). */
export async function signedIn(server: Pick<TestServer, 'url' | 'c'>, username: string): Promise<WebSession> {
  const user = await server.c.accounts.findUser(username);
  if (!user) throw new Error(`no user ${username}`);
  const session = await server.c.sessions.create(user);
  const web = new WebSession(server);
  web.cookies.set(SESSION_COOKIE, session.token);
  return web;
}

export { startServerOn, type PlainServer } from './app.js';

/** The text of a page without tags, for checking messages. */
export function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** Saves settings through the dashboard form as `web` (an admin); returns the answer. */
export function saveSettings(web: WebSession, fields: Record<string, string>) {
  return web.submit('/dashboard/settings', fields);
}
