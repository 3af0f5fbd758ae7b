import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where each hostile suite leaves the figures of its last run (docs/SECURITY.md quotes them). */
export const FIGURES_DIR = process.env.PINHOLE_HOSTILE_FIGURES_DIR ?? path.join(os.tmpdir(), 'pinhole-hostile-figures');

/** Prints a suite's figures and keeps them as JSON for the report. */
export async function recordFigures(suite: string, figures: Record<string, unknown>): Promise<void> {
  const line = `[hostile:${suite}] ${JSON.stringify(figures)}`;
  console.log(line);
  await mkdir(FIGURES_DIR, { recursive: true });
  await writeFile(path.join(FIGURES_DIR, `${suite}.json`), `${JSON.stringify({ suite, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

/** A positive number from the environment, else the default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
