import exifr from 'exifr';

export interface ExifSummary {
  /** Flat EXIF tags (IFD0, Exif IFD, and GPS only when kept), JSON-safe. */
  readonly exif: Record<string, unknown> | null;
  readonly date: Date | null;
  readonly title: string | null;
  readonly description: string | null;
}

const empty: ExifSummary = { exif: null, date: null, title: null, description: null };

const MAX_STRING = 2000;
const MAX_BYTES_AS_HEX = 256;
const MAX_ARRAY = 256;
const MAX_KEYS = 500;
/** Pointers to other IFDs and vendor blobs: meaningless or private once the file is re-encoded. */
const droppedTags = new Set(['MakerNote', 'ExifIFDPointer', 'GPSInfo', 'InteropIFDPointer', 'GPSIFDPointer']);

// Dates stay the raw strings (reviveValues off): exifr would revive them in the server's local time zone.
const exifrOptions = {
  tiff: true,
  ifd1: false,
  exif: true,
  gps: true,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: true,
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: false,
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  sanitize: true,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** C0/C1 control characters (and DEL); tabs and line breaks become spaces in single-line text. */
function cleanText(value: string, singleLine: boolean): string {
  const spaced = singleLine ? value.replace(/[\t\r\n]+/g, ' ') : value;
  return spaced.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').trim();
}

function bytesToJson(bytes: Uint8Array): string | undefined {
  const printable = bytes.every((byte) => byte >= 0x20 && byte < 0x7f);
  if (printable && bytes.length <= MAX_STRING) return Buffer.from(bytes).toString('latin1');
  return bytes.length <= MAX_BYTES_AS_HEX ? Buffer.from(bytes).toString('hex') : undefined;
}

/** Makes a parsed EXIF value safe for JSON.stringify: no Buffers, BigInts, NaN, cycles or giant strings. */
function toJsonValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cleanText(value, false).slice(0, MAX_STRING);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (value instanceof ArrayBuffer) return bytesToJson(new Uint8Array(value));
  if (value instanceof Uint8Array) return bytesToJson(value);
  if (ArrayBuffer.isView(value)) return undefined;
  if (depth >= 4) return undefined;
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ARRAY).map((item) => toJsonValue(item, depth + 1) ?? null);
  }
  if (isRecord(value)) return toJsonObject(value, depth + 1);
  return undefined;
}

function toJsonObject(source: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [key, raw] of Object.entries(source)) {
    if (count >= MAX_KEYS) break;
    const value = toJsonValue(raw, depth);
    if (value === undefined) continue;
    out[key] = value;
    count += 1;
  }
  return out;
}

/** EXIF `YYYY:MM:DD HH:MM:SS` read as UTC: EXIF carries no zone and the server's zone is irrelevant. */
export function parseExifDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  // Rejects dates like 2021:02:31 that Date.UTC would roll over into March.
  return date.getUTCDate() === day ? date : null;
}

/** Windows XP* tags are UCS-2LE byte arrays. */
function decodeXpText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (!(value instanceof Uint8Array) && !Array.isArray(value)) return null;
  const bytes = Uint8Array.from(value as ArrayLike<number>);
  return Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2))).toString('utf16le');
}

/** XMP language alternatives come back as a string, {value}, or an array of {lang, value}. */
function xmpText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value.map(xmpText).filter((item): item is string => item !== null);
    return items[0] ?? null;
  }
  if (isRecord(value) && typeof value.value === 'string') return value.value;
  return null;
}

function firstText(candidates: readonly unknown[], maxLength: number, singleLine: boolean): string | null {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const text = cleanText(candidate, singleLine).slice(0, maxLength).trim();
    if (text !== '') return text;
  }
  return null;
}

function section(parsed: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parsed[key];
  return isRecord(value) ? value : {};
}

/**
 * Reads EXIF, IPTC and XMP from the received file. Never throws: broken, hostile or absent metadata
 * only means there is nothing to report.
 */
export async function readExif(path: string, keepGps: boolean): Promise<ExifSummary> {
  let parsed: unknown;
  try {
    parsed = await exifr.parse(path, exifrOptions);
  } catch {
    return empty;
  }
  if (!isRecord(parsed)) return empty;
  const ifd0 = section(parsed, 'ifd0');
  const exifIfd = section(parsed, 'exif');
  const gps = section(parsed, 'gps');
  const iptc = section(parsed, 'iptc');
  const dc = section(parsed, 'dc');

  const merged: Record<string, unknown> = { ...ifd0, ...exifIfd, ...(keepGps ? gps : {}) };
  for (const key of Object.keys(merged)) {
    if (droppedTags.has(key) || (!keepGps && key.startsWith('GPS'))) delete merged[key];
  }
  const exif = toJsonObject(merged, 0);

  return {
    exif: Object.keys(exif).length > 0 ? exif : null,
    date: parseExifDate(ifd0.ModifyDate) ?? parseExifDate(exifIfd.DateTimeOriginal) ?? parseExifDate(exifIfd.CreateDate),
    title: firstText([iptc.ObjectName, xmpText(dc.title), decodeXpText(ifd0.XPTitle)], 1000, true),
    description: firstText([ifd0.ImageDescription, iptc.Caption, xmpText(dc.description)], 5000, false),
  };
}
