import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { errorCatalogue } from '../../errors/catalogue.js';
import type { ApiParameter } from '../../web/api-docs/parameters.js';

/** Request bodies of `/api/1/upload` as zod schemas, one per encoding, described by the API page's texts. */

const binary = z.string().meta({ contentMediaType: 'application/octet-stream' }).describe('The file itself');
const digits = z.string().regex(/^\d+$/);

/** A form field (multipart or urlencoded) of the given parameter type: always text on the wire. */
function formField(p: ApiParameter, multipart: boolean): z.ZodType {
  switch (p.type) {
    case 'source':
      return (multipart && p.name === 'source' ? z.union([binary, z.string()]) : z.string()).describe(p.description);
    case 'integer':
      return digits.describe(p.description);
    case 'flag':
      return z.string().meta({ examples: ['0', '1'] }).describe(`${p.description} \`1\`, \`true\`, \`on\` or \`yes\` turn it on; anything else leaves it off.`);
    case 'format':
      return z.enum(['json', 'txt', 'redirect']).describe(`${p.description} Any other value means \`json\`.`);
    case 'duration':
      return z.string().meta({ examples: ['PT5M', 'P3D', '3600'] }).describe(p.description);
    default:
      return z.string().describe(p.description);
  }
}

/** A JSON body field: numbers and booleans are read as their text. */
function jsonField(p: ApiParameter): z.ZodType {
  switch (p.type) {
    case 'integer':
      return z.union([z.int().min(0), digits]).describe(p.description);
    case 'flag':
      return z.union([z.literal([0, 1]), z.boolean(), z.string()]).describe(p.description);
    case 'duration':
      return z.union([z.int().min(0), z.string()]).describe(p.description);
    default:
      return formField(p, false);
  }
}

/** `source` or its ImgBB alias `image` must be there (else "Empty upload source"). */
const needsSource = { anyOf: [{ required: ['source'] }, { required: ['image'] }] };

export function uploadBodySchemas(params: readonly ApiParameter[]): { multipart: z.ZodType; form: z.ZodType; json: z.ZodType } {
  const shape = (field: (p: ApiParameter) => z.ZodType) => Object.fromEntries(params.map((p) => [p.name, field(p).optional()]));
  return {
    multipart: z.object(shape((p) => formField(p, true))).meta(needsSource).describe('multipart/form-data: `source` as a file part (or text), other parameters as fields'),
    form: z.object(shape((p) => formField(p, false))).meta(needsSource).describe('application/x-www-form-urlencoded: `source` as base64 or a URL'),
    json: z.object(shape(jsonField)).meta(needsSource).describe('application/json: `source` as base64 or a URL'),
  };
}

/** Query parameter schema of a parameter (GET, or POST with parameters in the query string). */
export function queryParameterSchema(p: ApiParameter): z.ZodType {
  return formField(p, false);
}

/** Every HTTP status the catalogue can answer with, and the catalogue entries behind each. */
export function errorStatuses(): Map<number, { code: string; chevereto: number; message: string; hint: string }[]> {
  const byStatus = new Map<number, { code: string; chevereto: number; message: string; hint: string }[]>();
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    const list = byStatus.get(entry.status) ?? [];
    list.push({ code, chevereto: entry.chevereto, message: entry.message, hint: entry.hint });
    byStatus.set(entry.status, list);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

/** The envelope of one status: exact status_code and status_txt, error.code one of the catalogue's. */
export function errorSchemaFor(status: number, codes: readonly number[]): z.ZodType {
  const unique = [...new Set(codes)].sort((a, b) => a - b);
  const [first, ...rest] = unique;
  return z
    .strictObject({
      status_code: z.literal(status),
      error: z.strictObject({
        message: z.string(),
        code: rest.length === 0 ? z.literal(first ?? status) : z.literal(unique),
      }),
      status_txt: z.literal(STATUS_CODES[status] ?? 'Error'),
    })
    .describe(`Error envelope with HTTP status ${status}`);
}
