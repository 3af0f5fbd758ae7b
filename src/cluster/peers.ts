import cluster from 'node:cluster';
import { readClusterMessage, type ClusterMessage } from './messages.js';

/** A rendered Prometheus exposition. */
export interface MetricsText {
  readonly contentType: string;
  readonly body: string;
}

/**
 * The other server processes of this site, as one process sees them. Alone (the default) there are
 * none; as a cluster worker (PINHOLE_WORKERS > 1) they are reached through the primary.
 */
export interface SitePeers {
  /** This process listens at `address` (a worker tells its primary). */
  announceReady(address: string): void;
  /** This process deleted a stored file: the others must stop serving it from memory at once. */
  announceDeleted(key: string): void;
  /** Called for every stored file another process deleted. */
  onDeletedElsewhere(listener: (key: string) => void): void;
  /** This process saved site settings. */
  announceSettingsSaved(): void;
  /** Called when another process saved site settings. */
  onSettingsSavedElsewhere(listener: () => void): void;
  /**
   * /metrics for the whole site: every process's series (each with its `instance` label) in one
   * exposition. `own` renders this process's alone (the answer when alone, or when the primary does
   * not answer in time).
   */
  siteMetrics(own: () => Promise<MetricsText>): Promise<MetricsText>;
}

/** A process serving alone. */
export const alonePeers: SitePeers = {
  announceReady() {},
  announceDeleted() {},
  onDeletedElsewhere() {},
  announceSettingsSaved() {},
  onSettingsSavedElsewhere() {},
  siteMetrics: (own) => own(),
};

/** How long a worker waits for the primary's merged metrics before answering with its own. */
const METRICS_WAIT_MS = 5_000;

/**
 * The peers of a cluster worker. `ownSeries` gives this process's metrics in prom-client's JSON form
 * when the primary collects them for a /metrics request that another worker (or this one) took.
 */
export function workerPeers(ownSeries: () => Promise<Array<Record<string, unknown>>>): SitePeers {
  const send = (message: ClusterMessage) => {
    // The channel is gone while the primary is shutting down: nothing left to tell.
    if (process.connected) process.send?.(message);
  };
  const deletedListeners: Array<(key: string) => void> = [];
  const settingsListeners: Array<() => void> = [];
  const waiting = new Map<number, (text: MetricsText | null) => void>();
  let nextId = 1;

  process.on('message', (raw: unknown) => {
    const message = readClusterMessage(raw);
    if (message === null) return;
    switch (message.kind) {
      case 'deleted':
        for (const listener of deletedListeners) listener(message.key);
        return;
      case 'settings-saved':
        for (const listener of settingsListeners) listener();
        return;
      case 'metrics-collect':
        void ownSeries().then(
          (series) => send({ pinhole: 1, kind: 'metrics-part', id: message.id, series }),
          () => send({ pinhole: 1, kind: 'metrics-part', id: message.id, series: [] }),
        );
        return;
      case 'metrics-answer':
        waiting.get(message.id)?.({ contentType: message.contentType, body: message.body });
        return;
      default:
        return;
    }
  });

  return {
    announceReady(address) {
      send({ pinhole: 1, kind: 'ready', address });
    },
    announceDeleted(key) {
      send({ pinhole: 1, kind: 'deleted', key });
    },
    onDeletedElsewhere(listener) {
      deletedListeners.push(listener);
    },
    announceSettingsSaved() {
      send({ pinhole: 1, kind: 'settings-saved' });
    },
    onSettingsSavedElsewhere(listener) {
      settingsListeners.push(listener);
    },
    async siteMetrics(own) {
      if (!process.connected) return own();
      const id = nextId++;
      const merged = await new Promise<MetricsText | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), METRICS_WAIT_MS);
        timer.unref();
        waiting.set(id, (text) => {
          clearTimeout(timer);
          resolve(text);
        });
        send({ pinhole: 1, kind: 'metrics-request', id });
      }).finally(() => waiting.delete(id));
      return merged ?? own();
    },
  };
}

/** The peers of this process: a cluster worker's, or none. */
export function sitePeers(ownSeries: () => Promise<Array<Record<string, unknown>>>): SitePeers {
  return cluster.isWorker ? workerPeers(ownSeries) : alonePeers;
}
