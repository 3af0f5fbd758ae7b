/**
 * Upload expiration (SPEC A9, overriding §3.10): seconds or an ISO-8601 duration, clamped to
 * configurable bounds. Unlike Chevereto, garbage is an error rather than a silent 5 minutes,
 * because a typo must not delete someone's file.
 */

export class ExpirationError extends Error {
  override readonly name = 'ExpirationError';
}

export interface ExpirationBounds {
  minSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_EXPIRATION_BOUNDS: Readonly<ExpirationBounds> = Object.freeze({
  minSeconds: 5 * 60,
  maxSeconds: 365 * 24 * 3600,
});

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Calendar months and years vary; fixed lengths keep the result independent of "now".
const UNIT_SECONDS = {
  Y: 365 * DAY,
  M: 30 * DAY,
  W: 7 * DAY,
  D: DAY,
  h: HOUR,
  m: MINUTE,
  s: 1,
} as const;
type Unit = keyof typeof UNIT_SECONDS;

const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION = new RegExp(
  `^P(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`,
  'i',
);
const GROUP_UNITS: readonly Unit[] = ['Y', 'M', 'W', 'D', 'h', 'm', 's'];

export function parseExpiration(value: string | number, bounds: ExpirationBounds): { seconds: number } {
  const raw = typeof value === 'number' ? fromNumber(value) : fromString(value);
  return { seconds: clamp(raw, bounds) };
}

export function computeExpirationDate(now: Date, seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}

function fromNumber(value: number): number {
  if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
    throw new ExpirationError(`Invalid expiration: ${String(value)}`);
  }
  return value;
}

function fromString(input: string): number {
  const value = input.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const seconds = parseIsoDuration(value);
  if (seconds === null) throw new ExpirationError(`Invalid expiration: ${JSON.stringify(input)}`);
  return seconds;
}

function parseIsoDuration(value: string): number | null {
  const match = DURATION.exec(value);
  if (!match) return null;
  // A bare "T" designator with nothing after it is not a duration ("P1DT").
  if (/T$/i.test(value)) return null;
  let total = 0;
  let seen = 0;
  let fractionSeen = false;
  for (let i = 0; i < GROUP_UNITS.length; i++) {
    const part = match[i + 1];
    const unit = GROUP_UNITS[i];
    if (part === undefined || unit === undefined) continue;
    // ISO 8601 allows a decimal fraction only on the lowest-order component present.
    if (fractionSeen) return null;
    const n = Number(part.replace(',', '.'));
    if (!/^\d+$/.test(part)) fractionSeen = true;
    total += n * UNIT_SECONDS[unit];
    seen++;
  }
  if (seen === 0) return null;
  return Math.round(total);
}

function clamp(seconds: number, { minSeconds, maxSeconds }: ExpirationBounds): number {
  if (minSeconds > maxSeconds) throw new RangeError('minSeconds must not exceed maxSeconds');
  return Math.min(maxSeconds, Math.max(minSeconds, seconds));
}
