import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../../container.js';
import type { WebKit } from '../../../web/web-kit.js';
import { registerApiKeyRoutes } from './api-keys.route.js';
import { registerAuthRoutes } from './auth.route.js';
import { registerSettingsRoutes } from './settings.route.js';

/** Accounts: sign-up, login, logout, settings and API keys. */
export function registerAccountRoutes(app: FastifyInstance, c: Container, kit: WebKit): void {
  const { config } = c;
  registerAuthRoutes(app, { kit, accounts: c.accounts, sessions: c.sessions, webAuth: c.webAuth, get signups() { return c.site.values.signups; } });
  registerSettingsRoutes(app, { kit, sessions: c.sessions, webAuth: c.webAuth, siteKeepsExif: config.keepExif });
  registerApiKeyRoutes(app, { kit, accounts: c.accounts, baseUrl: config.baseUrl, get timeZone() { return c.site.values.timeZone; } });
}
