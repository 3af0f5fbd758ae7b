import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteWorkerSource } from './sqlite-worker-source.js';

/**
 * The worker: a read-only connection of its own to the file, running the statements it is sent
 * (kept prepared by text) and posting their rows back.
 */
const WORKER_SOURCE = sqliteWorkerSource(
  { readonly: true, setup: 'const statements = new Map();' },
  `  try {
    let statement = statements.get(message.sql);
    if (statement === undefined) {
      statement = db.prepare(message.sql);
      if (statements.size < 100) statements.set(message.sql, statement);
    }
    parentPort.postMessage({ id: message.id, rows: statement.all(...message.parameters) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) });
  }`,
);

/** Runs read-only statements on SQLite away from the event loop. */
export interface SqliteReader {
  all<R>(sql: string, parameters: readonly unknown[]): Promise<R[]>;
  close(): void;
}

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/**
 * A worker thread with its own read-only connection for the queries whose cost grows with the
 * table rather than with the answer: a search that matches few rows reads every row of a large
 * site (~390 ms with 1,000,000 images), and better-sqlite3 runs a query on the thread that asks,
 * so on the server's connection it would stall every other request, stored files included, for
 * that long. In WAL mode the worker reads the latest committed state alongside the writer. The
 * worker starts on first use and is started again if it dies; queries wait their turn in it.
 */
export function sqliteReader(file: string): SqliteReader {
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    w.unref();
    w.on('message', (message: { id: number; rows?: unknown[]; error?: string }) => {
      const p = pending.get(message.id);
      if (p === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) p.reject(new Error(message.error));
      else p.resolve(message.rows ?? []);
    });
    const lost = (error: Error) => {
      if (worker === w) worker = null;
      failAll(error);
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`SQLite reader stopped (exit ${code})`)));
    return w;
  };

  return {
    all<R>(sql: string, parameters: readonly unknown[]): Promise<R[]> {
      if (closed) return Promise.reject(new Error('SQLite reader is closed'));
      worker ??= start();
      const id = nextId++;
      const w = worker;
      return new Promise<R[]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
        // While a query waits, the worker keeps the process alive; idle, it does not.
        if (pending.size === 1) w.ref();
        w.postMessage({ id, sql, parameters: [...parameters] });
      }).finally(() => {
        if (pending.size === 0) w.unref();
      });
    },
    close(): void {
      if (closed) return;
      closed = true;
      const w = worker;
      worker = null;
      failAll(new Error('SQLite reader is closed'));
      w?.postMessage('close');
    },
  };
}
