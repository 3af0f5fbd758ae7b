import { escapeHtmlStrict as e } from '../../domain/format.js';
import { settingChoices, settingKind, type SettingProblem, type SettingSource, type SiteKey, type SiteValues } from '../../services/site-settings.service.js';
import { LANGUAGE_NAMES, isLanguage, type MessageKey } from '../i18n/index.js';
import { csrfField, type AdminViewContext } from './admin-layout.js';

export interface SettingsData {
  readonly values: SiteValues;
  readonly defaults: SiteValues;
  readonly source: (key: SiteKey) => SettingSource;
  /** Text the admin submitted (shown again when something was refused). */
  readonly submitted?: Partial<Record<SiteKey, string>>;
  readonly problems?: Partial<Record<SiteKey, SettingProblem>>;
  /** Largest upload the running server accepts at all (fixed at start-up). */
  readonly ceilingMb: number;
}

const GROUPS: ReadonlyArray<readonly [MessageKey, readonly SiteKey[]]> = [
  ['admin.settings.group.uploads', ['guestUploads', 'guestKey', 'maxUploadMb', 'maxUploadMbGuest', 'urlUploads', 'duplicates', 'moderation']],
  ['admin.settings.group.flood', ['floodProtection', 'floodPerMinute', 'floodPerHour', 'floodPerDay', 'floodPerWeek', 'floodPerMonth']],
  ['admin.settings.group.site', ['signups', 'defaultLanguage', 'timeZone']],
  ['admin.settings.group.routes', ['routeImage', 'routeVideo']],
];

const PROBLEM_MESSAGES: Readonly<Record<Exclude<SettingProblem, 'invalid'>, MessageKey>> = {
  reserved: 'admin.settings.problem.reserved',
  'same-route': 'admin.settings.problem.sameRoute',
};

function asText(value: SiteValues[SiteKey]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** How a value reads to a person: choices by their label, the guest key never in full. */
function display(ctx: AdminViewContext, key: SiteKey, value: SiteValues[SiteKey]): string {
  const { t } = ctx;
  if (typeof value === 'boolean') return t(value ? 'admin.choice.on' : 'admin.choice.off');
  if (key === 'guestKey') return value === '' ? t('admin.settings.guestKeyOff') : t('admin.settings.guestKeySet');
  if (settingKind(key) === 'choice') return choiceLabel(ctx, key, String(value));
  return String(value);
}

function choiceLabel(ctx: AdminViewContext, key: SiteKey, value: string): string {
  if (key === 'defaultLanguage' && isLanguage(value)) return LANGUAGE_NAMES[value];
  if (key === 'moderation' && (value === 'off' || value === 'all' || value === 'guest')) return ctx.t(`admin.choice.moderation.${value}`);
  if (key === 'duplicates' && (value === 'allow' || value === 'reuse' || value === 'reject')) return ctx.t(`admin.choice.duplicates.${value}`);
  if (key === 'urlUploads' && (value === 'off' || value === 'admins' || value === 'everyone')) return ctx.t(`admin.choice.urlUploads.${value}`);
  return value;
}

function control(ctx: AdminViewContext, key: SiteKey, current: string, describedBy: string, invalid: boolean): string {
  const id = `s-${key}`;
  const common = `id="${id}" name="${key}" aria-describedby="${describedBy}"${invalid ? ' aria-invalid="true"' : ''}`;
  const kind = settingKind(key);
  if (kind === 'flag') {
    const option = (value: 'on' | 'off') => `<option value="${value}"${current === value ? ' selected' : ''}>${e(ctx.t(`admin.choice.${value}`))}</option>`;
    return `<select ${common}>${option('on')}${option('off')}</select>`;
  }
  if (kind === 'choice') {
    const options = settingChoices(key)
      .map((value) => `<option value="${e(value)}"${current === value ? ' selected' : ''}>${e(choiceLabel(ctx, key, value))}</option>`)
      .join('');
    return `<select ${common}>${options}</select>`;
  }
  if (kind === 'number') {
    const step = key.startsWith('maxUpload') ? 'any' : '1';
    return `<input ${common} type="number" inputmode="decimal" min="0" step="${step}" value="${e(current)}">`;
  }
  const extra = key === 'timeZone' ? ' list="time-zones" autocomplete="off"' : key === 'guestKey' ? ' autocomplete="off" spellcheck="false"' : ' autocomplete="off"';
  return `<input ${common} type="text"${extra} value="${e(current)}">`;
}

function field(ctx: AdminViewContext, key: SiteKey, data: SettingsData): string {
  const { t } = ctx;
  const submitted = data.submitted?.[key];
  const current = submitted ?? asText(data.values[key]);
  const problem = data.problems?.[key];
  const saved = data.source(key) === 'saved';
  const helpId = `s-${key}-help`;
  const errorId = `s-${key}-error`;
  const describedBy = problem ? `${errorId} ${helpId}` : helpId;
  const source = saved
    ? `<span class="setting-source saved">${e(t('admin.settings.sourceSaved', { value: display(ctx, key, data.defaults[key]) }))}</span>`
    : `<span class="setting-source">${e(t('admin.settings.sourceDefault'))}</span>`;
  const problemText = problem === undefined ? '' : problem === 'invalid' ? t(`admin.settings.invalid.${key}`) : t(PROBLEM_MESSAGES[problem]);
  const reset = saved
    ? `<button type="submit" class="linklike" form="reset-settings" name="field" value="${key}" aria-label="${e(t('admin.settings.resetLabel', { setting: t(`admin.settings.field.${key}`) }))}">${e(t('admin.settings.reset'))}</button>`
    : '';
  return `<div class="setting${problem ? ' has-error' : ''}" id="setting-${key}">
<label for="s-${key}">${e(t(`admin.settings.field.${key}`))}</label>
${problem ? `<p class="field-error" id="${errorId}">${e(problemText)}</p>` : ''}
${control(ctx, key, current, describedBy, problem !== undefined)}
<p class="meta" id="${helpId}">${e(t(`admin.settings.help.${key}`))}<br>${source} ${reset}</p>
</div>`;
}

/** The site settings form: effective values, where each comes from, per-field errors and resets. */
export function settingsContent(ctx: AdminViewContext, data: SettingsData): string {
  const { t } = ctx;
  const problems = Object.keys(data.problems ?? {}) as SiteKey[];
  const summary = problems.length
    ? `<div class="notice error" role="alert"><p>${e(t('admin.settings.notSaved'))}</p><ul>${problems
        .map((key) => `<li><a href="#s-${key}">${e(t(`admin.settings.field.${key}`))}</a></li>`)
        .join('')}</ul></div>`
    : '';
  const groups = GROUPS.map(([legend, keys]) => {
    const note =
      legend === 'admin.settings.group.routes'
        ? `<p class="meta">${e(t('admin.settings.routesNote'))}</p>`
        : legend === 'admin.settings.group.uploads'
          ? `<p class="meta">${e(t('admin.settings.ceilingNote', { mb: data.ceilingMb }))}</p>`
          : '';
    return `<fieldset class="settings-group"><legend>${e(t(legend))}</legend>${note}
${keys.map((key) => field(ctx, key, data)).join('\n')}
</fieldset>`;
  }).join('\n');
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return `${summary}
<p class="meta">${e(t('admin.settings.intro'))}</p>
<form method="post" action="/dashboard/settings" class="settings-form" novalidate>${csrfField(ctx)}
${groups}
<p><button type="submit" class="primary">${e(t('common.save'))}</button></p>
</form>
<form method="post" action="/dashboard/settings/reset" id="reset-settings">${csrfField(ctx)}</form>
<datalist id="time-zones">${['UTC', ...zones].map((z) => `<option value="${e(z)}"></option>`).join('')}</datalist>`;
}
