import { escapeHtmlStrict as e } from '../../domain/format.js';
import type { User } from '../../ports/repositories.js';
import { LANGUAGE_NAMES, LANGUAGES, type MessageKey } from '../i18n/index.js';
import { expirationOptions } from '../expiration-choices.js';
import { csrfField, errorNotice, okNotice, type View, type ViewContext } from './auth-views.js';

export type SettingsSection = 'account' | 'password' | 'uploads' | 'api';

const SECTIONS: ReadonlyArray<readonly [SettingsSection, string, MessageKey]> = [
  ['account', '/settings', 'settings.nav.account'],
  ['password', '/settings/password', 'settings.nav.password'],
  ['uploads', '/settings/uploads', 'settings.nav.uploads'],
  ['api', '/settings/api', 'settings.nav.api'],
];

/** The settings shell: a heading, the section tabs and the section's content. */
export function settingsView(ctx: ViewContext, current: SettingsSection, content: string): View {
  const { t } = ctx;
  const tabs = SECTIONS.map(([section, href, label]) =>
    `<li><a href="${href}"${section === current ? ' aria-current="page"' : ''}>${e(t(label))}</a></li>`,
  ).join('');
  const label = SECTIONS.find(([s]) => s === current)?.[2] ?? 'settings.nav.account';
  const body = `<h1>${e(t('settings.title'))}</h1>
<nav class="settings-nav" aria-label="${e(t('settings.nav.label'))}"><ul>${tabs}</ul></nav>
<section class="settings-section" aria-labelledby="settings-heading">
${content}
</section>`;
  return { title: `${t(label)} · ${t('settings.title')}`, body };
}

export interface Notice {
  readonly ok?: MessageKey;
  readonly error?: MessageKey;
  readonly errorVars?: Readonly<Record<string, string | number>>;
}

function notices(ctx: ViewContext, notice: Notice): string {
  return (notice.ok ? okNotice(ctx.t(notice.ok)) : '') + (notice.error ? errorNotice(ctx.t(notice.error, notice.errorVars)) : '');
}

export function accountSettingsView(ctx: ViewContext, user: User, notice: Notice, emailValue?: string): View {
  const { t } = ctx;
  const languageOptions = [`<option value=""${user.language ? '' : ' selected'}>${e(t('settings.account.languageAuto'))}</option>`]
    .concat(LANGUAGES.map((l) => `<option value="${e(l)}" lang="${e(l)}"${user.language === l ? ' selected' : ''}>${e(LANGUAGE_NAMES[l])}</option>`))
    .join('');
  const emailInvalid = notice.error === 'account.error.emailInvalid' ? ' aria-invalid="true" aria-describedby="form-error"' : '';
  const content = `<h2 id="settings-heading">${e(t('settings.account.title'))}</h2>
${notices(ctx, notice)}
<form method="post" action="/settings">
${csrfField(ctx.csrf)}
<label for="account-username">${e(t('account.field.username'))}</label>
<input id="account-username" type="text" value="${e(user.username)}" readonly aria-describedby="account-username-hint">
<p class="hint" id="account-username-hint">${e(t('settings.account.usernameHint'))}</p>
<label for="account-email">${e(t('settings.account.email'))}</label>
<input id="account-email" type="email" name="email" value="${e(emailValue ?? user.email ?? '')}" autocomplete="email" maxlength="254"${emailInvalid}>
<label for="account-language">${e(t('settings.account.language'))}</label>
<select id="account-language" name="language" aria-describedby="account-language-hint">${languageOptions}</select>
<p class="hint" id="account-language-hint">${e(t('settings.account.languageHint'))}</p>
<p><button class="primary" type="submit">${e(t('common.save'))}</button></p>
</form>`;
  return settingsView(ctx, 'account', content);
}

export function passwordSettingsView(ctx: ViewContext, user: User, notice: Notice): View {
  const { t } = ctx;
  const invalid = (key: MessageKey) => (notice.error === key ? ' aria-invalid="true" aria-describedby="form-error"' : '');
  const content = `<h2 id="settings-heading">${e(t('settings.password.title'))}</h2>
${notices(ctx, notice)}
<p class="hint">${e(t('settings.password.note'))}</p>
<form method="post" action="/settings/password" novalidate>
${csrfField(ctx.csrf)}
<input type="text" name="username" value="${e(user.username)}" autocomplete="username" hidden>
<label for="password-current">${e(t('settings.password.current'))}</label>
<input id="password-current" type="password" name="current" autocomplete="current-password" required maxlength="1024"${invalid('settings.password.wrongCurrent')}>
<label for="password-new">${e(t('settings.password.new'))}</label>
<input id="password-new" type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="password-new-hint"${invalid('account.error.passwordShort')}>
<p class="hint" id="password-new-hint">${e(t('account.signup.passwordHint'))}</p>
<label for="password-confirm">${e(t('settings.password.confirm'))}</label>
<input id="password-confirm" type="password" name="confirm" autocomplete="new-password" required minlength="8" maxlength="1024"${invalid('account.error.passwordMismatch')}>
<p><button class="primary" type="submit">${e(t('settings.password.submit'))}</button></p>
</form>`;
  return settingsView(ctx, 'password', content);
}

export function uploadSettingsView(ctx: ViewContext, user: User, siteKeepsExif: boolean, notice: Notice): View {
  const { t } = ctx;
  const exif = user.keepExif === null ? '' : user.keepExif ? 'yes' : 'no';
  const exifOption = (value: string, label: string) => `<option value="${value}"${exif === value ? ' selected' : ''}>${e(label)}</option>`;
  const siteDefault = t('settings.uploads.siteDefault', { value: t(siteKeepsExif ? 'settings.uploads.yes' : 'settings.uploads.no') });
  const content = `<h2 id="settings-heading">${e(t('settings.uploads.title'))}</h2>
${notices(ctx, notice)}
<form method="post" action="/settings/uploads">
${csrfField(ctx.csrf)}
<label for="uploads-exif">${e(t('settings.uploads.keepExif'))}</label>
<select id="uploads-exif" name="keep_exif" aria-describedby="uploads-exif-hint">
${exifOption('', siteDefault)}${exifOption('yes', t('settings.uploads.yes'))}${exifOption('no', t('settings.uploads.no'))}
</select>
<p class="hint" id="uploads-exif-hint">${e(t('settings.uploads.keepExifHint'))}</p>
<label for="uploads-expiration">${e(t('settings.uploads.expiration'))}</label>
<select id="uploads-expiration" name="expiration" aria-describedby="uploads-expiration-hint">${expirationOptions(t, user.defaultExpiration, e)}</select>
<p class="hint" id="uploads-expiration-hint">${e(t('settings.uploads.expirationHint'))}</p>
<p><button class="primary" type="submit">${e(t('common.save'))}</button></p>
</form>`;
  return settingsView(ctx, 'uploads', content);
}
