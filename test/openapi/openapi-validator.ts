/**
 * Checks real answers of the server against `/openapi.json` with a JSON Schema 2020-12 validator
 * (ajv): the schema used is the one the document declares for that path, method, status and media
 * type, so the document cannot drift from what the server does.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;
const DOC_ID = 'https://pinhole.invalid/openapi.json';

export type Json = Record<string, unknown>;

/** RFC 6901 escaping of one JSON Pointer segment. */
export const pointerSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`not a local pointer: ${pointer}`);
  let node: unknown = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(seg in node)) return undefined;
    node = (node as Json)[seg];
  }
  return node;
}

export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: Json) {
    // Not strict: the document root holds OpenAPI keywords (info, paths…) around the schemas.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  /** The response object the document declares, or undefined. */
  response(path: string, method: string, status: number): Json | undefined {
    const r = resolvePointer(this.doc, this.responsePointer(path, method, status));
    return r && typeof r === 'object' ? (r as Json) : undefined;
  }

  /** The exact status, else its range (`4XX`) as OpenAPI allows. */
  private responsePointer(path: string, method: string, status: number): string {
    const base = `#/paths/${pointerSegment(path)}/${method.toLowerCase()}/responses/`;
    return resolvePointer(this.doc, `${base}${status}`) === undefined ? `${base}${String(status)[0]}XX` : `${base}${status}`;
  }

  /** Errors of `body` against the declared schema (empty when valid); throws when nothing is declared. */
  check(path: string, method: string, status: number, mediaType: string, body: unknown): string[] {
    const pointer = `${this.responsePointer(path, method, status)}/content/${pointerSegment(mediaType)}/schema`;
    if (resolvePointer(this.doc, pointer) === undefined) throw new Error(`the document declares no ${mediaType} answer for ${method} ${path} ${status}`);
    return this.errors(pointer, body);
  }

  /** Errors of `body` against a schema of the document given by pointer. */
  errors(pointer: string, body: unknown): string[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

/** Every `$ref` in the document, with the place it was found. */
export function collectRefs(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => collectRefs(v, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  const out: { at: string; ref: string }[] = [];
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
    else out.push(...collectRefs(v, `${at}/${pointerSegment(k)}`));
  }
  return out;
}
