/**
 * The uploader (SPEC-API §4.1): drop files or folders, pick, paste or add URLs; a queue of previews;
 * parallel upload with progress; the result screens. Loaded as a module on `/` and `/upload`.
 */
import { byId, maybeId, showDialog, translator, type Translate } from './uploader-dom.js';
import { filesFromDrop, looksLikeUrl, sortFiles, sortUrls, type Refusal } from './uploader-intake.js';
import { Queue, readBatch, type QueueItem } from './uploader-queue.js';
import { openReport, renderResults } from './uploader-results.js';
import { UploadRun } from './uploader-send.js';
import type { UploaderConfig } from './uploader-types.js';

type Phase = 'empty' | 'queue' | 'uploading' | 'results';

class Uploader {
  private phase: Phase = 'empty';
  private run: UploadRun | null = null;
  private sessionPending: boolean;
  private readonly t: Translate;
  private readonly queue: Queue;
  private readonly root = byId('uploader', HTMLElement);
  private readonly drop = byId('up-drop', HTMLElement);
  private readonly queueView = byId('up-queue-view', HTMLElement);
  private readonly options = byId('up-options', HTMLElement);
  private readonly progressView = byId('up-progress-view', HTMLElement);
  private readonly heading = byId('up-progress-heading', HTMLElement);
  private readonly result = byId('up-result', HTMLElement);
  private readonly input = byId('up-input', HTMLInputElement);

  constructor(private readonly config: UploaderConfig) {
    this.t = translator(config);
    this.sessionPending = config.sessionPending;
    this.queue = new Queue(config, this.t, {
      onRemove: (item) => this.removeOrCancel(item),
      editable: () => this.phase === 'queue',
    });
  }

  start(): void {
    if (window.matchMedia('(pointer: coarse)').matches) this.useTouchWording();
    byId('up-browse', HTMLButtonElement).addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      this.addFiles(Array.from(this.input.files ?? []));
      this.input.value = '';
    });
    maybeId('up-add-urls', HTMLButtonElement)?.addEventListener('click', () => void this.askUrls());
    byId('up-start', HTMLButtonElement).addEventListener('click', () => void this.upload());
    byId('up-clear', HTMLButtonElement).addEventListener('click', () => this.reset());
    byId('up-cancel-all', HTMLButtonElement).addEventListener('click', () => this.run?.cancelAll());
    this.listenForDrops();
    document.addEventListener('paste', (event) => this.onPaste(event));
    this.root.dataset.ready = 'true';
  }

  private useTouchWording(): void {
    const line = byId('up-customize', HTMLElement);
    const strong = document.createElement('strong');
    strong.textContent = this.t('upload.touching');
    const [before = '', after = ''] = this.t('upload.customizeTouch').split('{touching}');
    line.replaceChildren(before, strong, after);
  }

  private listenForDrops(): void {
    const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    document.addEventListener('dragover', (event) => {
      if (!carriesFiles(event) || this.phase === 'uploading') return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      this.root.classList.add('up-dragging');
    });
    document.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null) this.root.classList.remove('up-dragging');
    });
    document.addEventListener('drop', (event) => {
      this.root.classList.remove('up-dragging');
      if (!event.dataTransfer || !carriesFiles(event) || this.phase === 'uploading') return;
      event.preventDefault();
      void filesFromDrop(event.dataTransfer).then((files) => this.addFiles(files));
    });
  }

  private onPaste(event: ClipboardEvent): void {
    const target = event.target;
    // Pasting into a field of the page (tags, dialogs) is ordinary typing.
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    if (this.phase === 'uploading') return;
    const data = event.clipboardData;
    if (!data) return;
    const files = Array.from(data.files);
    if (files.length > 0) {
      event.preventDefault();
      this.addFiles(files);
      return;
    }
    const text = data.getData('text/plain');
    if (this.config.urlUploads && text.split(/\r?\n/).some((line) => looksLikeUrl(line.trim()))) {
      event.preventDefault();
      this.addUrls(text);
    }
  }

  private async askUrls(): Promise<void> {
    const dialog = maybeId('up-urls-dialog', HTMLDialogElement);
    const text = maybeId('up-urls-text', HTMLTextAreaElement);
    if (!dialog || !text) return;
    text.value = '';
    if ((await showDialog(dialog)) === 'add') this.addUrls(text.value);
  }

  private prepareForAdding(): void {
    if (this.phase === 'results') this.reset();
  }

  addFiles(files: readonly File[]): void {
    if (files.length === 0 || this.phase === 'uploading') return;
    this.prepareForAdding();
    const sorted = sortFiles(files, this.config, this.queue.names());
    for (const file of sorted.files) this.queue.addFile(file);
    this.afterAdding(sorted.refused);
  }

  private addUrls(text: string): void {
    if (this.phase === 'uploading') return;
    this.prepareForAdding();
    const sorted = sortUrls(text, this.queue.names());
    for (const url of sorted.urls) this.queue.addUrl(url);
    this.afterAdding(sorted.refused);
  }

  private afterAdding(refused: readonly Refusal[]): void {
    if (this.queue.items.length > 0) this.setPhase('queue');
    if (refused.length > 0) {
      const reason = { tooBig: this.t('upload.tooBig'), invalidFormat: this.t('upload.invalidFormat'), invalidUrl: this.t('upload.invalidUrl') };
      void openReport(this.t('upload.couldNotAdd'), refused.map((r) => `${r.name} - ${reason[r.reason]}`));
    }
  }

  private removeOrCancel(item: QueueItem): void {
    if (this.phase === 'uploading') {
      this.run?.cancel(item);
      return;
    }
    this.queue.remove(item);
    if (this.queue.items.length === 0) this.setPhase('empty');
  }

  private async upload(): Promise<void> {
    if (this.phase !== 'queue' || this.queue.items.length === 0) return;
    const items = [...this.queue.items];
    const batch = readBatch();
    this.setPhase('uploading');
    this.updateHeading(items);
    const run = new UploadRun(items, this.config, batch, this.t, {
      started: (item) => this.queue.setState(item, 'uploading'),
      progress: (item, percent) => {
        this.queue.setPercent(item, percent);
        this.updateHeading(items);
      },
      settled: (item, outcome) => {
        item.answer = outcome.answer;
        item.error = outcome.error;
        if (outcome.state === 'done') this.queue.setPercent(item, 100);
        this.queue.setState(item, outcome.state, outcome.error ?? undefined);
        this.updateHeading(items);
      },
      sessionStarted: () => {
        this.sessionPending = false;
      },
    }, this.sessionPending);
    this.run = run;
    await run.run();
    this.run = null;
    this.finish(items, batch.album);
  }

  private updateHeading(items: readonly QueueItem[]): void {
    const counted = items.filter((i) => i.state !== 'cancelled');
    const total = counted.reduce((sum, i) => sum + (i.state === 'done' || i.state === 'failed' ? 100 : i.percent), 0);
    const percent = counted.length === 0 ? 100 : Math.floor(total / counted.length);
    this.heading.textContent = this.t('upload.uploading', { count: counted.length, percent });
  }

  private finish(items: readonly QueueItem[], albumId: string | null): void {
    const settled = items.filter((i) => i.state === 'done' || i.state === 'failed');
    if (settled.length === 0) {
      // Everything was cancelled: back to the queue so the files can be sent again.
      for (const item of items) this.queue.requeue(item);
      this.setPhase('queue');
      return;
    }
    const album = albumId ? (this.config.albums.find((a) => a.id === albumId) ?? null) : null;
    this.setPhase('results');
    renderResults(this.result, items, { config: this.config, t: this.t, album, onRestart: () => this.reset() });
  }

  reset(): void {
    if (this.phase === 'uploading') return;
    this.queue.clear();
    this.result.replaceChildren();
    this.setPhase('empty');
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.root.dataset.phase = phase;
    this.drop.hidden = phase === 'uploading' || phase === 'results';
    this.queueView.hidden = phase === 'empty';
    this.options.hidden = phase !== 'queue';
    this.progressView.hidden = phase !== 'uploading';
    this.result.hidden = phase !== 'results';
    byId('up-customize', HTMLElement).hidden = phase !== 'queue';
  }
}

function readConfig(): UploaderConfig | null {
  const block = document.getElementById('uploader-config');
  if (!block?.textContent) return null;
  try {
    return JSON.parse(block.textContent) as UploaderConfig;
  } catch {
    return null;
  }
}

const config = readConfig();
if (config) new Uploader(config).start();
