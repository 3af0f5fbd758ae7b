/** The queue: one tile per file or URL, each removable and editable (SPEC-API §4.1). */
import { byId, el, maybeId, showDialog, type Translate } from './uploader-dom.js';
import { isVideo } from './uploader-intake.js';
import { drawImagePreview, drawVideoPreview } from './uploader-preview.js';
import type { UploadAnswer, UploaderConfig } from './uploader-types.js';

export type ItemState = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

/** Values from the edit dialog; only sent when the dialog was saved for this item. */
export interface ItemEdits {
  readonly title: string;
  readonly description: string;
  readonly tags: string | null;
  readonly album: string | null;
  readonly expiration: string;
  readonly nsfw: boolean;
  readonly width: string;
}

export interface QueueItem {
  readonly id: number;
  readonly file: File | null;
  readonly url: string | null;
  readonly name: string;
  readonly video: boolean;
  animated: boolean;
  naturalWidth: number | null;
  edits: ItemEdits | null;
  state: ItemState;
  /** Upload progress of this item, 0–100. */
  percent: number;
  xhr: XMLHttpRequest | null;
  answer: UploadAnswer | null;
  error: string | null;
  readonly tile: HTMLLIElement;
  readonly progress: HTMLProgressElement;
  readonly status: HTMLElement;
  readonly action: HTMLButtonElement;
}

export interface QueueHooks {
  /** The × of an item was pressed: remove it, or cancel it while it uploads. */
  onRemove(item: QueueItem): void;
  /** Whether items can still be edited (not while uploading). */
  editable(): boolean;
}

let nextId = 1;

export class Queue {
  readonly items: QueueItem[] = [];
  private readonly list: HTMLUListElement;

  constructor(
    private readonly config: UploaderConfig,
    private readonly t: Translate,
    private readonly hooks: QueueHooks,
  ) {
    this.list = byId('up-queue', HTMLUListElement);
  }

  names(): Set<string> {
    return new Set(this.items.map((i) => i.name));
  }

  addFile(file: File): QueueItem {
    const video = isVideo(file);
    const canvas = el('canvas', { width: 160, height: 160, 'aria-hidden': 'true' });
    const item = this.add(file, null, file.name, video, canvas);
    void (video ? drawVideoPreview(file, canvas) : drawImagePreview(file, canvas)).then((info) => {
      item.naturalWidth = info.width;
      item.animated = info.animated;
      if (info.width === null) item.tile.classList.add('up-nopreview');
      item.tile.dataset.preview = info.width === null ? 'none' : 'drawn';
    });
    return item;
  }

  addUrl(url: string): QueueItem {
    const icon = el('span', { class: 'up-urlicon', 'aria-hidden': 'true' }, this.t('upload.item.url'));
    return this.add(null, url, url, false, icon);
  }

  remove(item: QueueItem): void {
    const index = this.items.indexOf(item);
    if (index >= 0) this.items.splice(index, 1);
    item.tile.remove();
  }

  clear(): void {
    for (const item of [...this.items]) this.remove(item);
  }

  setState(item: QueueItem, state: ItemState, message?: string): void {
    item.state = state;
    item.tile.dataset.state = state;
    item.status.textContent = message ? `${this.t(`upload.item.${state}`)}: ${message}` : this.t(`upload.item.${state}`);
    if (state === 'uploading') {
      item.progress.hidden = false;
      item.action.setAttribute('aria-label', this.t('upload.cancelItem', { name: item.name }));
    }
    if (state === 'done' || state === 'failed' || state === 'cancelled') item.action.hidden = true;
    if (state === 'failed' || state === 'cancelled') item.progress.hidden = true;
    if (state === 'failed' && message) item.tile.title = `${item.name} - ${message}`;
    if (state === 'done' && item.answer?.image) this.linkTile(item, item.answer.image.url_viewer);
  }

  /** Back to "ready" after a cancelled run. */
  requeue(item: QueueItem): void {
    this.setPercent(item, 0);
    item.state = 'queued';
    item.tile.dataset.state = 'queued';
    item.status.textContent = this.t('upload.item.queued');
    item.progress.hidden = true;
    item.action.hidden = false;
    item.action.setAttribute('aria-label', this.t('upload.remove', { name: item.name }));
  }

  setPercent(item: QueueItem, percent: number): void {
    item.percent = percent;
    item.progress.value = percent;
    item.progress.textContent = `${Math.round(percent)}%`;
  }

  private add(file: File | null, url: string | null, name: string, video: boolean, preview: HTMLElement): QueueItem {
    const id = nextId++;
    const open = el('button', { type: 'button', class: 'up-preview', 'aria-label': this.t('upload.editItem', { name }) }, preview);
    const action = el('button', { type: 'button', class: 'up-remove', 'aria-label': this.t('upload.remove', { name }) }, '×');
    const status = el('span', { class: 'up-status', text: this.t('upload.item.queued') });
    const progress = el('progress', { max: 100, value: 0, 'aria-label': this.t('upload.progressLabel', { name }), hidden: true });
    const tile = el('li', { class: 'up-item', 'data-state': 'queued' }, open, el('span', { class: 'up-name', title: name, text: name }), status, progress, action);
    this.list.append(tile);
    const item: QueueItem = {
      id, file, url, name, video, animated: false, naturalWidth: null, edits: null, state: 'queued', percent: 0,
      xhr: null, answer: null, error: null, tile, progress, status, action,
    };
    open.addEventListener('click', () => {
      if (this.hooks.editable()) void this.edit(item);
    });
    action.addEventListener('click', () => this.hooks.onRemove(item));
    this.items.push(item);
    return item;
  }

  /** After upload the preview leads to the viewer page. */
  private linkTile(item: QueueItem, href: string): void {
    const button = item.tile.querySelector('.up-preview');
    if (!button) return;
    const link = el('a', { class: 'up-preview', href, title: item.name }, ...Array.from(button.childNodes));
    button.replaceWith(link);
  }

  /** The per-file edit dialog; values are kept only when saved. */
  private async edit(item: QueueItem): Promise<void> {
    const { t } = this;
    const dialog = byId('up-edit-dialog', HTMLDialogElement);
    const title = byId('up-edit-title', HTMLInputElement);
    const description = byId('up-edit-description', HTMLTextAreaElement);
    const tags = maybeId('up-edit-tags', HTMLInputElement);
    const album = maybeId('up-edit-album', HTMLSelectElement);
    const expiration = byId('up-edit-expiration', HTMLSelectElement);
    const nsfw = byId('up-edit-nsfw', HTMLInputElement);
    const width = byId('up-edit-width', HTMLInputElement);
    const widthHint = byId('up-edit-width-hint', HTMLElement);
    const batch = readBatch();

    byId('up-edit-name', HTMLElement).textContent = item.name;
    const current = item.edits;
    title.value = current?.title ?? defaultTitle(item.name);
    description.value = current?.description ?? '';
    if (tags) tags.value = current?.tags ?? batch.tags ?? '';
    if (album) album.value = current?.album ?? batch.album ?? '';
    expiration.value = current?.expiration ?? batch.expiration;
    nsfw.checked = current?.nsfw ?? batch.nsfw;
    const resizable = !item.video && !item.animated && item.url === null;
    width.disabled = !resizable;
    width.value = resizable ? current?.width ?? '' : '';
    if (item.naturalWidth) width.max = String(item.naturalWidth);
    else width.removeAttribute('max');
    widthHint.textContent = resizable ? (item.naturalWidth ? t('upload.field.widthHint', { max: item.naturalWidth }) : '') : t('upload.field.widthDisabled');

    if ((await showDialog(dialog)) !== 'save') return;
    item.edits = {
      title: title.value.trim().slice(0, 100),
      description: description.value.trim(),
      tags: tags ? tags.value.trim() : null,
      album: album ? album.value : null,
      expiration: expiration.value,
      nsfw: nsfw.checked,
      width: resizable ? width.value.trim() : '',
    };
    item.tile.classList.add('up-edited');
  }
}

/** The filename without its extension, first letter capitalised, at most 100 characters. */
export function defaultTitle(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).slice(0, 100);
  return base.charAt(0).toUpperCase() + base.slice(1);
}

export interface BatchOptions {
  readonly tags: string | null;
  readonly album: string | null;
  readonly expiration: string;
  readonly nsfw: boolean;
}

/** The options for every file, below the queue. */
export function readBatch(): BatchOptions {
  return {
    tags: maybeId('up-batch-tags', HTMLInputElement)?.value.trim() ?? null,
    album: maybeId('up-batch-album', HTMLSelectElement)?.value ?? null,
    expiration: maybeId('up-batch-expiration', HTMLSelectElement)?.value ?? '',
    nsfw: maybeId('up-batch-nsfw', HTMLInputElement)?.checked ?? false,
  };
}
