/**
 * Sends the queue to `/json/upload` with a few XMLHttpRequests in parallel (XHR because fetch has no
 * upload progress), one file or URL per request, and reports progress and outcomes.
 */
import { csrfToken, setCsrfToken, type Translate } from './uploader-dom.js';
import type { BatchOptions, QueueItem } from './uploader-queue.js';
import { CSRF_HEADER, type UploadAnswer, type UploaderConfig } from './uploader-types.js';

export interface RunHooks {
  progress(item: QueueItem, percent: number): void;
  started(item: QueueItem): void;
  settled(item: QueueItem, outcome: { state: 'done' | 'failed' | 'cancelled'; answer: UploadAnswer | null; error: string | null }): void;
  /** A guest's session was created: later runs need not wait for it. */
  sessionStarted(): void;
}

export class UploadRun {
  private readonly pending: QueueItem[];
  private readonly active = new Set<QueueItem>();
  private cancelled = false;
  private sessionPending: boolean;
  private finish: (() => void) | null = null;

  constructor(
    items: readonly QueueItem[],
    private readonly config: UploaderConfig,
    private readonly batch: BatchOptions,
    private readonly t: Translate,
    private readonly hooks: RunHooks,
    sessionPending: boolean,
  ) {
    this.pending = [...items];
    this.sessionPending = sessionPending;
  }

  /** Resolves once every item is uploaded, failed or cancelled. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.pump();
    });
  }

  cancel(item: QueueItem): void {
    const index = this.pending.indexOf(item);
    if (index >= 0) {
      this.pending.splice(index, 1);
      this.hooks.settled(item, { state: 'cancelled', answer: null, error: null });
      this.pump();
      return;
    }
    item.xhr?.abort();
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const item of this.pending.splice(0)) this.hooks.settled(item, { state: 'cancelled', answer: null, error: null });
    for (const item of [...this.active]) item.xhr?.abort();
    this.pump();
  }

  /**
   * A guest's first upload creates the session that keeps their uploads; until its answer brings the
   * session's CSRF token, requests go one at a time so they all land in that one session.
   */
  private concurrency(): number {
    return this.sessionPending ? 1 : Math.max(1, this.config.threads);
  }

  private pump(): void {
    while (!this.cancelled && this.active.size < this.concurrency() && this.pending.length > 0) {
      const item = this.pending.shift();
      if (item) this.send(item);
    }
    if (this.active.size === 0 && (this.pending.length === 0 || this.cancelled)) {
      this.finish?.();
      this.finish = null;
    }
  }

  private send(item: QueueItem): void {
    const xhr = new XMLHttpRequest();
    item.xhr = xhr;
    this.active.add(item);
    this.hooks.started(item);
    const settle = (state: 'done' | 'failed' | 'cancelled', answer: UploadAnswer | null, error: string | null) => {
      if (!this.active.delete(item)) return;
      item.xhr = null;
      this.hooks.settled(item, { state, answer, error });
      this.pump();
    };
    xhr.upload.addEventListener('progress', (event) => {
      // 100 % is shown only once the server has answered: it still has to process the file.
      if (event.lengthComputable && event.total > 0) this.hooks.progress(item, Math.min(99, (event.loaded / event.total) * 100));
    });
    xhr.addEventListener('load', () => {
      const token = xhr.getResponseHeader(CSRF_HEADER);
      if (token) {
        setCsrfToken(token);
        this.sessionPending = false;
        this.hooks.sessionStarted();
      }
      const answer = parseAnswer(xhr.responseText);
      if (xhr.status === 200 && answer?.image) settle('done', answer, null);
      else settle('failed', answer, answer?.error?.message ?? this.t('upload.serverError', { status: xhr.statusText || xhr.status }));
    });
    xhr.addEventListener('error', () => settle('failed', null, this.t('upload.networkError')));
    xhr.addEventListener('abort', () => settle('cancelled', null, null));
    xhr.open('POST', this.config.endpoint);
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    xhr.setRequestHeader('accept', 'application/json');
    xhr.send(this.formFor(item));
  }

  /** Options first and the file last, so the server knows them before the bytes arrive. */
  private formFor(item: QueueItem): FormData {
    const form = new FormData();
    const edits = item.edits;
    const batch = this.batch;
    const tags = edits?.tags ?? batch.tags;
    const album = edits?.album ?? batch.album;
    if (edits?.title) form.append('title', edits.title);
    if (edits?.description) form.append('description', edits.description);
    if (tags) form.append('tags', tags);
    if (album) form.append('album_id', album);
    form.append('expiration', edits?.expiration ?? batch.expiration);
    if (edits?.nsfw ?? batch.nsfw) form.append('nsfw', '1');
    if (edits?.width) form.append('width', edits.width);
    if (item.file) {
      form.append('type', 'file');
      form.append('source', item.file, item.file.name);
    } else if (item.url) {
      form.append('type', 'url');
      form.append('source', item.url);
    }
    return form;
  }
}

function parseAnswer(text: string): UploadAnswer | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as UploadAnswer) : null;
  } catch {
    return null;
  }
}
