import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import { SESSION_COOKIE } from '../../src/http/web/web-context.js';
import { freePort, TestClock, type TestServer } from './app.js';
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

export interface PlainServer {
  readonly url: string;
  readonly c: Container;
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  /** Stops the server and closes the database; the data dir stays. */
  stop(): Promise<void>;
}

/**
 * Starts Pinhole on an existing data dir without creating users or removing anything on stop, so a
 * test can stop it and start another one on the same data (a restart, or a second instance).
 */
export async function startServerOn(dataDir: string, env: Record<string, string> = {}): Promise<PlainServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PINHOLE_DATA_DIR: dataDir,
    PINHOLE_BASE_URL: url,
    PINHOLE_LOG_LEVEL: 'silent',
    PINHOLE_ID_SALT: 'test-salt',
    PINHOLE_JOB_INTERVAL_MS: '3600000',
    ...env,
  });
  const clock = new TestClock();
  const c = await createContainer(config, { clock, logger: pino({ level: process.env.PINHOLE_TEST_LOG ?? 'silent' }) });
  const app = await buildApp(c);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    url,
    c,
    app,
    clock,
    async stop() {
      await app.close();
      await c.close();
    },
  };
}

/** The text of a page without tags, for checking messages. */
export function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** Saves settings through the dashboard form as `web` (an admin); returns the answer. */
export function saveSettings(web: WebSession, fields: Record<string, string>) {
  return web.submit('/dashboard/settings', fields);
}
