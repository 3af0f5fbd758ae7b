import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config/config.schema.js';
import { loadConfig, ConfigError } from '../src/config/config.js';
import { errorCatalogue } from '../src/errors/catalogue.js';

describe('docs agree with the code', () => {
  it('docs/config.md documents every environment variable, and nothing else', async () => {
    const doc = await readFile(new URL('../docs/config.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const read = Object.keys(envSchema.shape);
    for (const name of read) expect(documented, `${name} is not in docs/config.md`).toContain(name);
    for (const name of documented) expect(read, `${name} is documented but not read`).toContain(name);
  });

  it('docs/errors.md lists every error with its status and Chevereto code', async () => {
    const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d+) \| (\d+) \| ([^|]+) \|/gm)].map((m) => [m[1], { status: Number(m[2]), chevereto: Number(m[3]), message: m[4]?.trim() }]));
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(rows.get(code), `${code} in docs/errors.md`).toEqual({ status: entry.status, chevereto: entry.chevereto, message: entry.message });
    }
    expect(rows.size).toBe(Object.keys(errorCatalogue).length);
  });
});

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.database.kind).toBe('sqlite');
    expect(c.limits.maxBytes).toBe(5_000_000);
    expect(c.routes).toEqual({ image: 'image', video: 'clip' });
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', PINHOLE_TIMEZONE: 'Mars/Olympus', PINHOLE_DUPLICATES: 'maybe', PINHOLE_URL_ALLOW_PRIVATE: 'nonsense' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'PINHOLE_TIMEZONE', 'PINHOLE_DUPLICATES']) expect(problems).toContain(name);
    }
  });

  it('selects PostgreSQL from the URL', () => {
    const c = loadConfig({ PINHOLE_DATABASE_URL: 'postgres://u@h/db', PINHOLE_DATABASE_SCHEMA: 'pinhole' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db', schema: 'pinhole', preparedStatements: true });
    const pooled = loadConfig({ PINHOLE_DATABASE_URL: 'postgres://u@h/db', PINHOLE_DATABASE_PREPARED: 'false' });
    expect(pooled.database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db', preparedStatements: false });
  });
});
