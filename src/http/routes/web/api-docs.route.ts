import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { registerOpenApiRoute } from '../../openapi/openapi.route.js';
import type { User } from '../../../ports/repositories.js';
import type { AccountService } from '../../../services/account.service.js';
import type { ImagePresenter } from '../../../services/image-presenter.js';
import { renderApiPage } from '../../../web/api-docs/api-page.js';
import { renderClientsPage } from '../../../web/api-docs/clients-page.js';
import { presentSamples } from '../../../web/api-docs/sample-upload.js';
import { currentFacts, type ApiSiteFacts } from '../../../web/api-docs/site-facts.js';
import type { WebKit } from '../../web/web-kit.js';

export interface ApiDocsRouteDeps {
  readonly kit: WebKit;
  readonly accounts: Pick<AccountService, 'listKeys' | 'keyPrefix'>;
  readonly presenter: ImagePresenter;
  /** Read on every request, so changed site settings show at once. */
  readonly facts: () => ApiSiteFacts | Promise<ApiSiteFacts>;
  readonly timeZone: () => string | Promise<string>;
  readonly now: () => Date;
}

/** The public prefix of the user's newest active key, or '' when they have none. */
async function newestKeyPrefix(accounts: ApiDocsRouteDeps['accounts'], user: User): Promise<string> {
  const active = (await accounts.listKeys(user.id)).filter((k) => k.revokedAt === null);
  const newest = active.reduce<(typeof active)[number] | undefined>(
    (best, k) => (!best || k.createdAt.getTime() > best.createdAt.getTime() || (k.createdAt.getTime() === best.createdAt.getTime() && k.id > best.id) ? k : best),
    undefined,
  );
  return newest ? accounts.keyPrefix(newest) : '';
}

/** `/api-v1` (the API page of the seed) and `/api-v1/clients` (ready-made client set-ups). */
export function registerApiDocsRoutes(app: FastifyInstance, deps: ApiDocsRouteDeps): void {
  const { kit } = deps;

  app.get('/api-v1', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    const facts = await deps.facts();
    const now = deps.now();
    const sample = presentSamples(deps.presenter, now, await deps.timeZone(), ctx.lang).image;
    const keyPrefix = ctx.user ? await newestKeyPrefix(deps.accounts, ctx.user) : null;
    return kit.page(request, reply, 200, {
      title: ctx.t('apiDocs.title'),
      body: renderApiPage({ t: ctx.t, lang: ctx.lang, facts, keyPrefix, sample }),
      head: '<link rel="alternate" type="application/openapi+json" href="/openapi.json">',
      scripts: ['copy.js'],
    });
  });

  app.get('/api-v1/clients', async (request, reply) => {
    const ctx = await kit.ctx(request, reply);
    const facts = await deps.facts();
    const keyPrefix = ctx.user ? await newestKeyPrefix(deps.accounts, ctx.user) : null;
    return kit.page(request, reply, 200, {
      title: ctx.t('apiClients.title'),
      body: renderClientsPage({ t: ctx.t, lang: ctx.lang, baseUrl: facts.baseUrl, keyPrefix }),
      scripts: ['copy.js', 'api-clients.js'],
    });
  });
}

/** The API page, the client set-ups and `/openapi.json`, wired from the container (one line in app.ts). */
export function registerApiDocumentation(app: FastifyInstance, c: Container, kit: WebKit): void {
  const facts = () => currentFacts(c.config, c.site.values);
  const timeZone = () => c.site.values.timeZone;
  const now = () => c.clock.now();
  registerApiDocsRoutes(app, { kit, accounts: c.accounts, presenter: c.presenter, facts, timeZone, now });
  registerOpenApiRoute(app, { presenter: c.presenter, facts, timeZone, now });
}
