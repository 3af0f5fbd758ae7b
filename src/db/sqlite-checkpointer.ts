import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteWorkerSource } from './sqlite-worker-source.js';

/** Past this much WAL a checkpoint is due (SQLite's own automatic checkpoint: 1000 pages of 4 KiB). */
const WAL_THRESHOLD_BYTES = 4 * 1024 * 1024;
const CHECK_INTERVAL_MS = 1000;

/**
 * The worker: its own connection to the file, a PASSIVE checkpoint (never blocks readers or the
 * writer) whenever asked.
 */
const WORKER_SOURCE = sqliteWorkerSource(
  { readonly: false },
  `  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, row });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }`,
);

export interface WalCheckpointer {
  /** Stops checking and lets the worker go (the connection's own close then checkpoints what is left). */
  stop(): void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the WAL back into the
 * database and fsyncs both files; run by the connection that commits (SQLite's default), it stalls
 * every request of the process for as long as the disk takes, tens to hundreds of milliseconds on a
 * busy disk. Here the server's connection never checkpoints (`wal_autocheckpoint = 0`): once the WAL
 * first passes {@link WAL_THRESHOLD_BYTES}, a worker thread with a connection of its own checkpoints
 * it whenever it has changed, about once a second. Commits stay as durable as before
 * (synchronous = NORMAL syncs at checkpoints); should the worker fail, the connection goes back to
 * checkpointing itself.
 */
export function startWalCheckpointer(file: string, connection: BetterSqlite3.Database, logger?: { warn(details: object, message: string): void }): WalCheckpointer {
  const wal = `${file}-wal`;
  connection.pragma('wal_autocheckpoint = 0');
  let worker: Worker | null = null;
  let busy = false;
  let stopped = false;
  let lastSeen = '';

  const fallBack = (details: object) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    worker?.terminate().catch(() => undefined);
    worker = null;
    const message = 'SQLite checkpoint worker failed; the connection checkpoints by itself again';
    if (logger) logger.warn(details, message);
    else process.emitWarning(`${message}: ${JSON.stringify(details)}`);
    try {
      connection.pragma('wal_autocheckpoint = 1000');
    } catch {
      // closed meanwhile
    }
  };

  const spawn = (): Worker => {
    const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    created.unref();
    created.on('message', (message: { ok: boolean; message?: string }) => {
      busy = false;
      if (!message.ok) fallBack({ error: message.message });
    });
    created.on('error', (error) => fallBack({ err: error }));
    created.on('exit', (code) => {
      if (!stopped) fallBack({ exitCode: code });
    });
    return created;
  };

  const timer = setInterval(() => {
    if (busy || stopped) return;
    const st = statSync(wal, { throwIfNoEntry: false });
    if (st === undefined) return;
    const seen = `${st.size}:${st.mtimeMs}`;
    if (seen === lastSeen) return;
    if (worker === null && st.size < WAL_THRESHOLD_BYTES) return;
    lastSeen = seen;
    worker ??= spawn();
    busy = true;
    worker.postMessage('checkpoint');
  }, CHECK_INTERVAL_MS);
  timer.unref();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      worker?.postMessage('close');
      worker = null;
    },
  };
}
