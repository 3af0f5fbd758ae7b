import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import { registerPreparedStatement } from './prepared-statements.js';

/** Stands in for a value while a query is compiled once; its place among the parameters is remembered. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  readonly compiled: CompiledQuery;
  /** Per parameter of the compiled query: the name of the value it takes, or a constant of the query. */
  readonly parameters: ReadonlyArray<{ readonly name: string } | { readonly constant: unknown }>;
}

/**
 * Queries that every page view runs, compiled to SQL once instead of on every call. Kysely builds
 * and compiles a query anew each time it runs, tens of microseconds for a join with a dozen
 * columns, often more than the database takes to answer it. Here the builder runs once per
 * `shape` with placeholders for `values`; later calls reuse its SQL with the new values.
 *
 * On PostgreSQL each template also runs as a named prepared statement (prepared-statements.ts).
 *
 * Only for queries whose SQL text is decided by `shape` alone: each value must end up as exactly
 * one bound parameter (not an `in` list, not a null that turns `=` into `is`); this is checked
 * when the shape is first compiled.
 */
export class CompiledQueries<DB> {
  readonly #templates = new Map<string, Template>();

  constructor(private readonly db: Kysely<DB>) {}

  /** `elsewhere`: runs the compiled SQL instead of the Kysely instance (e.g. off the event loop). */
  async rows<R, V extends Record<string, unknown>>(
    shape: string,
    values: V,
    build: (values: V) => Compilable<R>,
    elsewhere?: (sql: string, parameters: readonly unknown[]) => Promise<R[]>,
  ): Promise<R[]> {
    let template = this.#templates.get(shape);
    if (template === undefined) {
      template = compileTemplate(values, build);
      this.#templates.set(shape, template);
    }
    const parameters = template.parameters.map((p) => ('name' in p ? values[p.name] : p.constant));
    if (elsewhere !== undefined) return elsewhere(template.compiled.sql, parameters);
    const result = await this.db.executeQuery<R>({ ...template.compiled, parameters });
    return result.rows;
  }

  async first<R, V extends Record<string, unknown>>(shape: string, values: V, build: (values: V) => Compilable<R>): Promise<R | undefined> {
    return (await this.rows(shape, values, build))[0];
  }
}

function compileTemplate<R, V extends Record<string, unknown>>(values: V, build: (values: V) => Compilable<R>): Template {
  const slots = Object.fromEntries(Object.keys(values).map((name) => [name, new Slot(name)])) as unknown as V;
  const compiled = build(slots).compile();
  const used = new Map<string, number>();
  const parameters = compiled.parameters.map((p) => {
    if (!(p instanceof Slot)) return { constant: p };
    used.set(p.name, (used.get(p.name) ?? 0) + 1);
    return { name: p.name };
  });
  for (const name of Object.keys(values)) {
    if (used.get(name) !== 1) throw new Error(`compiled query: value "${name}" must be bound exactly once, found ${used.get(name) ?? 0} times`);
  }
  // A fixed text run on every page view: worth preparing once per connection (PostgreSQL).
  registerPreparedStatement(compiled.sql);
  return { compiled, parameters };
}
