import type { FastifyInstance } from 'fastify';
import type { ImagePresenter } from '../../services/image-presenter.js';
import { presentSamples } from '../../web/api-docs/sample-upload.js';
import type { ApiSiteFacts } from '../../web/api-docs/site-facts.js';
import { buildOpenApiDocument } from './document.js';

export interface OpenApiRouteDeps {
  readonly presenter: ImagePresenter;
  readonly facts: () => ApiSiteFacts | Promise<ApiSiteFacts>;
  readonly timeZone: () => string | Promise<string>;
  readonly now: () => Date;
}

/** `/openapi.json`: built from the site's current settings, kept while they stay the same. */
export function registerOpenApiRoute(app: FastifyInstance, deps: OpenApiRouteDeps): void {
  let cached: { key: string; body: string } | null = null;
  app.get('/openapi.json', async (_request, reply) => {
    const facts = await deps.facts();
    const timeZone = await deps.timeZone();
    const key = JSON.stringify([facts, timeZone]);
    if (cached?.key !== key) {
      const samples = presentSamples(deps.presenter, deps.now(), timeZone, 'en');
      cached = { key, body: JSON.stringify(buildOpenApiDocument(facts, samples), null, 2) };
    }
    return reply
      .headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' })
      .send(cached.body);
  });
}
