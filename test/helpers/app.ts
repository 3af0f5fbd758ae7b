import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import type { Clock } from '../../src/ports/clock.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A clock tests can move; everything else is real. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly c: Container;
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  /** An API key of a regular user `alice`, and one of the admin. */
  readonly aliceKey: string;
  readonly adminKey: string;
  stop(): Promise<void>;
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

/**
 * Starts Pinhole in-process on a loopback port, with a fresh data dir and its own database
 * (SQLite by default; pass PINHOLE_DATABASE_URL for PostgreSQL). `options.dataDir` puts the data
 * somewhere chosen (a small filesystem, say); it is emptied on stop() like the default one.
 * URL sources on loopback are allowed (the tests serve them), and `admin` and `alice` exist with a key each.
 */
export async function startTestServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'pinhole-test-')));
  const server = await startServerOn(dataDir, { PINHOLE_URL_ALLOW_PRIVATE: '127.0.0.0/8', ...env });
  const { c } = server;
  const admin = await c.accounts.createUser({ username: 'admin', password: 'admin-password', isAdmin: true });
  const alice = await c.accounts.createUser({ username: 'alice', password: 'alice-password' });
  const adminKey = (await c.accounts.createKey(admin.id, 'test')).key;
  const aliceKey = (await c.accounts.createKey(alice.id, 'test')).key;
  return {
    ...server,
    dataDir,
    aliceKey,
    adminKey,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
