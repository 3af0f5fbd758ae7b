import type { MessageKey, Translate } from '../i18n/index.js';
import { expirationChoices, humanSeconds, megabytes, type ApiSiteFacts } from './site-facts.js';

export type ParameterType = 'source' | 'text' | 'integer' | 'flag' | 'duration' | 'format';

/** One parameter of `/api/1/upload`, described for people (the API page) and machines (OpenAPI). */
export interface ApiParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly presence: 'required' | 'optional' | 'adminOnly';
  /** Literal default value (`json`, `0`), or a message key describing it, or null for none. */
  readonly defaultValue: { readonly literal: string } | { readonly key: MessageKey } | null;
  readonly description: string;
}

/**
 * Every parameter the API reads (`API_PARAM_NAMES` in upload-params.ts, which a test compares with
 * this list), in the order of the seed's page, with this site's limits filled in.
 */
export function describeParameters(facts: ApiSiteFacts, t: Translate): ApiParameter[] {
  const urlRule = t(facts.urlSources === 'everyone' ? 'apiDocs.urlRule.everyone' : facts.urlSources === 'admins' ? 'apiDocs.urlRule.admins' : 'apiDocs.urlRule.off');
  const source = `${t('apiDocs.param.source')} ${t('apiDocs.param.source.limits', {
    formats: facts.formats.join(' '),
    max: megabytes(facts.maxBytes),
    maxGuest: megabytes(facts.maxBytesGuest),
    megapixels: facts.maxMegapixels,
    videoMinutes: Math.round((facts.maxVideoSeconds / 60) * 10) / 10,
    urlRule,
  })}`;
  const expiration = t('apiDocs.param.expiration', {
    min: humanSeconds(facts.expiration.minSeconds),
    max: humanSeconds(facts.expiration.maxSeconds),
    choices: expirationChoices(facts).join(', '),
  });
  const p = (name: string, type: ParameterType, presence: ApiParameter['presence'], defaultValue: ApiParameter['defaultValue'], description: string): ApiParameter => ({
    name,
    type,
    presence,
    defaultValue,
    description,
  });
  return [
    p('source', 'source', 'required', null, source),
    p('key', 'text', 'optional', null, t('apiDocs.param.key')),
    p('title', 'text', 'optional', { key: 'apiDocs.default.fromFile' }, t('apiDocs.param.title')),
    p('description', 'text', 'optional', null, t('apiDocs.param.description')),
    p('tags', 'text', 'optional', null, t('apiDocs.param.tags')),
    p('album_id', 'text', 'optional', null, t('apiDocs.param.album_id')),
    p('category_id', 'integer', 'optional', null, t('apiDocs.param.category_id')),
    p('width', 'integer', 'optional', null, t('apiDocs.param.width')),
    p('expiration', 'duration', 'optional', { key: 'apiDocs.default.account' }, expiration),
    p('nsfw', 'flag', 'optional', { literal: '0' }, t('apiDocs.param.nsfw')),
    p('format', 'format', 'optional', { literal: 'json' }, t('apiDocs.param.format')),
    p('use_file_date', 'flag', 'adminOnly', { literal: '0' }, t('apiDocs.param.use_file_date')),
    p('image', 'source', 'optional', null, t('apiDocs.param.image')),
    p('name', 'text', 'optional', null, t('apiDocs.param.name')),
  ];
}

export const TYPE_KEYS: Readonly<Record<ParameterType, MessageKey>> = {
  source: 'apiDocs.type.source',
  text: 'apiDocs.type.text',
  integer: 'apiDocs.type.integer',
  flag: 'apiDocs.type.flag',
  duration: 'apiDocs.type.duration',
  format: 'apiDocs.type.format',
};
