import type { MessageKey } from '../i18n/index.js';

export interface ExifField {
  readonly label: MessageKey;
  readonly value: string;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim().slice(0, 200) || null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && typeof value[0] === 'number') return num(value[0]);
  return null;
}

function exposure(seconds: number): string {
  if (seconds >= 1 || seconds <= 0) return `${Math.round(seconds * 10) / 10} s`;
  return `1/${Math.round(1 / seconds)} s`;
}

/**
 * A few fields a person cares about, from the EXIF JSON kept with the upload. GPS is left out even
 * when kept: showing a location on the page is a bigger step than keeping it in the file.
 */
export function friendlyExif(json: string | null): ExifField[] {
  if (json === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const x = data as Record<string, unknown>;
  const out: ExifField[] = [];
  const add = (label: MessageKey, value: string | null) => {
    if (value) out.push({ label, value });
  };
  const make = text(x.Make);
  const model = text(x.Model);
  add('viewer.exif.camera', model && make && !model.toLowerCase().startsWith(make.toLowerCase()) ? `${make} ${model}` : (model ?? make));
  add('viewer.exif.lens', text(x.LensModel));
  const shutter = num(x.ExposureTime);
  add('viewer.exif.exposure', shutter === null ? null : exposure(shutter));
  const aperture = num(x.FNumber);
  add('viewer.exif.aperture', aperture === null ? null : `f/${Math.round(aperture * 10) / 10}`);
  const iso = num(x.ISO) ?? num(x.ISOSpeedRatings);
  add('viewer.exif.iso', iso === null ? null : `ISO ${iso}`);
  const focal = num(x.FocalLength);
  add('viewer.exif.focal', focal === null ? null : `${Math.round(focal * 10) / 10} mm`);
  const taken = text(x.DateTimeOriginal) ?? text(x.CreateDate);
  add('viewer.exif.taken', taken ? taken.replace(/^(\d{4}):(\d{2}):(\d{2})/, '$1-$2-$3') : null);
  add('viewer.exif.software', text(x.Software));
  return out;
}
