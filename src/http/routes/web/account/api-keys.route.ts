import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../../ports/repositories.js';
import type { AccountService } from '../../../../services/account.service.js';
import { keyCreatedView, keysView, type KeyRow } from '../../../../web/account/api-key-views.js';
import type { Notice } from '../../../../web/account/settings-views.js';
import { hostSlug, picGoConfig, shareXConfig } from '../../../../web/account/client-configs.js';
import type { WebKit } from '../../../web/web-kit.js';
import { readForm } from './form.js';

export interface ApiKeysRouteDeps {
  readonly kit: WebKit;
  readonly accounts: AccountService;
  readonly baseUrl: string;
  readonly timeZone: string;
}

/** Active keys one account may hold; revoked ones do not count. */
const MAX_ACTIVE_KEYS = 50;

/**
 * `/settings/api`: create, list and revoke keys, and the ShareX / PicGo files. The plaintext key is
 * only ever in the answer to "create" and in what the browser posts back to download a file; the
 * site keeps its hash alone, so the files are built from a key the user presents.
 */
export function registerApiKeyRoutes(app: FastifyInstance, deps: ApiKeysRouteDeps): void {
  const { kit, accounts } = deps;
  const uploadUrl = `${deps.baseUrl.replace(/\/+$/, '')}/api/1/upload`;

  const rows = async (user: User): Promise<KeyRow[]> =>
    (await accounts.listKeys(user.id))
      .map((k) => {
        const prefix = accounts.keyPrefix(k);
        return { encodedId: prefix.slice(4, -1), prefix, label: k.label, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt };
      })
      .reverse();

  const listPage = async (request: FastifyRequest, reply: FastifyReply, user: User, status: number, notice: Notice) => {
    const ctx = await kit.ctx(request, reply);
    return kit.page(request, reply, status, keysView(ctx, { keys: await rows(user), timeZone: deps.timeZone, uploadUrl, notice }));
  };

  const userForPost = async (request: FastifyRequest, reply: FastifyReply, csrf: string): Promise<User | null> => {
    if (!(await kit.checkCsrf(request, reply, csrf))) return null;
    return kit.requireUser(request, reply);
  };

  app.get('/settings/api', async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
    const user = await kit.requireUser(request, reply);
    if (!user) return reply;
    return listPage(request, reply, user, 200, request.query.revoked === '1' ? { ok: 'apikeys.revokedDone' } : {});
  });

  app.post('/settings/api', async (request, reply) => {
    const form = readForm(request.body, ['_csrf', 'label']);
    const user = await userForPost(request, reply, form._csrf);
    if (!user) return reply;
    const active = (await accounts.listKeys(user.id)).filter((k) => !k.revokedAt).length;
    if (active >= MAX_ACTIVE_KEYS) return listPage(request, reply, user, 409, { error: 'apikeys.tooMany', errorVars: { max: MAX_ACTIVE_KEYS } });
    const ctx = await kit.ctx(request, reply);
    const label = form.label.replace(/\s+/g, ' ').trim().slice(0, 100) || ctx.t('apikeys.defaultLabel');
    const { key, record } = await accounts.createKey(user.id, label);
    request.log.info({ userId: user.id, apiKeyId: record.id }, 'api key created');
    // Answered directly rather than through a redirect: the plaintext must not be kept anywhere to show it later.
    return kit.page(request, reply, 201, keyCreatedView(ctx, { key, label: record.label, uploadUrl }));
  });

  app.post<{ Params: { keyId: string } }>('/settings/api/:keyId/revoke', async (request, reply) => {
    const form = readForm(request.body, ['_csrf']);
    const user = await userForPost(request, reply, form._csrf);
    if (!user) return reply;
    const id = /^[A-Za-z0-9]{1,32}$/.test(request.params.keyId) ? accounts.decodeKeyId(request.params.keyId) : null;
    if (id === null || !(await accounts.revokeOwnKey(user.id, id))) return kit.notFound(request, reply);
    request.log.info({ userId: user.id, apiKeyId: id }, 'api key revoked');
    return reply.redirect('/settings/api?revoked=1', 303);
  });

  const download = (kind: 'sharex' | 'picgo') => async (request: FastifyRequest, reply: FastifyReply) => {
    const form = readForm(request.body, ['_csrf', 'key']);
    const user = await userForPost(request, reply, form._csrf);
    if (!user) return reply;
    const key = form.key.trim();
    if (key.length > 200 || !(await accounts.findOwnKey(user.id, key))) return listPage(request, reply, user, 400, { error: 'apikeys.saved.invalid' });
    const input = { baseUrl: deps.baseUrl, key };
    const [config, name] = kind === 'sharex' ? [shareXConfig(input), `pinhole-${hostSlug(deps.baseUrl)}.sxcu`] : [picGoConfig(input), `pinhole-${hostSlug(deps.baseUrl)}-picgo.json`];
    return reply
      .headers({
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      .send(`${JSON.stringify(config, null, 2)}\n`);
  };
  app.post('/settings/api/sharex', download('sharex'));
  app.post('/settings/api/picgo', download('picgo'));
}
