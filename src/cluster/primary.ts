import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { mergeSeries } from '../metrics/metrics.js';
import { readClusterMessage, type ClusterMessage } from './messages.js';

export interface SupervisorOptions {
  readonly workers: number;
  readonly logger: Logger;
}

/** After SIGTERM, a worker has this long to finish its requests (it gives up itself after 30 s) before it is killed. */
const STOP_GRACE_MS = 35_000;
/** A worker that dies more often than this within `CRASH_WINDOW_MS` stops the site. */
const MAX_RESTARTS = 5;
const CRASH_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
/** How long the primary waits for the workers' metrics for one /metrics request. */
const COLLECT_WAIT_MS = 3_000;

interface Collection {
  readonly asker: Worker;
  readonly askerId: number;
  readonly expected: number;
  readonly parts: Array<ReadonlyArray<Record<string, unknown>>>;
  readonly timer: NodeJS.Timeout;
}

/**
 * The primary of a site with PINHOLE_WORKERS > 1: it starts the workers (each one a whole Pinhole
 * server on the shared port, `node:cluster` handing out the connections), passes their messages on
 * (a deleted file, a /metrics request), starts a new worker when one dies, and on SIGTERM or SIGINT
 * stops them all gracefully. Resolves with the exit code of the primary once no worker is left.
 */
export function superviseWorkers(options: SupervisorOptions): Promise<number> {
  const { logger: log, workers: count } = options;
  const listened = new Set<number>();
  const restarts: number[] = [];
  const collections = new Map<number, Collection>();
  let nextCollection = 1;
  let everyoneUp = false;
  let stopping = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    // A worker that exited can stay in cluster.workers until its channel closes too: not counted.
    const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const send = (worker: Worker, message: ClusterMessage) => {
      if (worker.isConnected()) worker.send(message);
    };

    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      for (const worker of live()) worker.process.kill('SIGTERM');
      const killer = setTimeout(() => {
        for (const worker of live()) {
          log.error({ worker: worker.id }, 'a worker did not stop in time: killed');
          worker.process.kill('SIGKILL');
        }
      }, STOP_GRACE_MS);
      killer.unref();
      if (live().length === 0) resolve(exitCode);
    };

    const finishCollection = (id: number) => {
      const collection = collections.get(id);
      if (collection === undefined) return;
      collections.delete(id);
      clearTimeout(collection.timer);
      void mergeSeries(collection.parts).then(
        (text) => send(collection.asker, { pinhole: 1, kind: 'metrics-answer', id: collection.askerId, ...text }),
        (error: unknown) => log.error({ err: error }, 'could not merge the workers’ metrics'),
      );
    };

    const onMessage = (worker: Worker, raw: unknown) => {
      const message = readClusterMessage(raw);
      if (message === null) return;
      switch (message.kind) {
        case 'ready':
          listened.add(worker.id);
          if (!everyoneUp && listened.size >= count) {
            everyoneUp = true;
            log.info({ workers: count, address: message.address }, 'all workers are listening');
          }
          return;
        case 'deleted':
        case 'settings-saved':
          for (const other of live()) if (other !== worker) send(other, message);
          return;
        case 'metrics-request': {
          const id = nextCollection++;
          const asked = live().filter((w) => w.isConnected());
          collections.set(id, {
            asker: worker,
            askerId: message.id,
            expected: asked.length,
            parts: [],
            timer: setTimeout(() => finishCollection(id), COLLECT_WAIT_MS),
          });
          for (const w of asked) send(w, { pinhole: 1, kind: 'metrics-collect', id });
          return;
        }
        case 'metrics-part': {
          const collection = collections.get(message.id);
          if (collection === undefined) return;
          collection.parts.push(message.series);
          if (collection.parts.length >= collection.expected) finishCollection(message.id);
          return;
        }
        default:
          return;
      }
    };

    const start = () => {
      const worker = cluster.fork();
      worker.on('message', (raw: unknown) => onMessage(worker, raw));
    };

    cluster.on('exit', (worker, code, signal) => {
      const wasUp = listened.delete(worker.id);
      if (stopping) {
        if (live().length === 0) resolve(exitCode);
        return;
      }
      if (!wasUp && !everyoneUp) {
        // A worker that cannot even start (a port in use, a database it cannot open) will not do better next time.
        log.error({ worker: worker.id, code, signal }, 'a worker failed to start: stopping');
        stop(1);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && now - restarts[0]! > CRASH_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log.error({ worker: worker.id, code, signal, restarts: restarts.length }, 'workers keep stopping: stopping the site');
        stop(1);
        return;
      }
      log.error({ worker: worker.id, code, signal }, 'a worker stopped unexpectedly: starting another');
      // Not unref'd: with every worker gone, this timer is what keeps the primary alive.
      setTimeout(() => {
        if (!stopping) start();
      }, RESTART_DELAY_MS);
    });

    process.on('SIGINT', () => stop(0));
    process.on('SIGTERM', () => stop(0));
    for (let i = 0; i < count; i++) start();
  });
}
