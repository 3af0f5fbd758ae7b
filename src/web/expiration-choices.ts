import type { MessageKey, Translate } from './i18n/index.js';

/** The auto-delete choices offered in forms (SPEC-API §3.10), shortest first. */
export const EXPIRATION_CHOICES = [
  'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT3H', 'PT6H', 'PT12H',
  'P1D', 'P2D', 'P3D', 'P4D', 'P5D', 'P6D',
  'P1W', 'P2W', 'P3W',
  'P1M', 'P2M', 'P3M', 'P4M', 'P5M', 'P6M',
  'P1Y',
] as const;
export type ExpirationChoice = (typeof EXPIRATION_CHOICES)[number];

export function isExpirationChoice(value: unknown): value is ExpirationChoice {
  return typeof value === 'string' && (EXPIRATION_CHOICES as readonly string[]).includes(value);
}

const UNITS: Readonly<Record<string, readonly [MessageKey, MessageKey]>> = {
  TM: ['expiration.minute', 'expiration.minutes'],
  TH: ['expiration.hour', 'expiration.hours'],
  D: ['expiration.day', 'expiration.days'],
  W: ['expiration.week', 'expiration.weeks'],
  M: ['expiration.month', 'expiration.months'],
  Y: ['expiration.year', 'expiration.years'],
};

/** "After 3 hours" / "3 小时后". */
export function expirationLabel(t: Translate, choice: ExpirationChoice): string {
  const match = /^P(T?)(\d+)([MHDWY])$/.exec(choice);
  const n = Number(match?.[2] ?? 0);
  const unit = UNITS[`${match?.[1] ?? ''}${match?.[3] ?? ''}`];
  if (!unit) return choice;
  return t(n === 1 ? unit[0] : unit[1], { n });
}

/** `<option>`s for a select: "Don't auto delete" (empty value) then every choice. Labels are escaped by `escape`. */
export function expirationOptions(t: Translate, selected: string | null, escape: (s: string) => string): string {
  const none = `<option value=""${selected ? '' : ' selected'}>${escape(t('expiration.never'))}</option>`;
  // A value set some other way (seconds, another duration) stays selectable so saving keeps it.
  const custom = selected && !isExpirationChoice(selected) ? `<option value="${escape(selected)}" selected>${escape(selected)}</option>` : '';
  return none + custom + EXPIRATION_CHOICES.map((c) => `<option value="${c}"${c === selected ? ' selected' : ''}>${escape(expirationLabel(t, c))}</option>`).join('');
}
