/** Where files come from (drop, folders, picker, paste, URL text) and the checks before queueing. */
import type { UploaderConfig } from './uploader-types.js';

export interface Refusal {
  readonly name: string;
  readonly reason: 'tooBig' | 'invalidFormat' | 'invalidUrl';
}

export interface Sorted {
  readonly files: File[];
  readonly refused: Refusal[];
}

/** Folders can be huge; stop walking past this many files. */
const MAX_WALK = 2000;

/**
 * The files of a drop, walking dropped folders recursively. Entries must be taken from the items
 * synchronously, inside the event: the DataTransfer is emptied once the handler returns.
 */
export function filesFromDrop(data: DataTransfer): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return Promise.resolve(Array.from(data.files));
  return walkEntries(entries).then((walked) => [...loose, ...walked]);
}

async function walkEntries(entries: readonly FileSystemEntry[]): Promise<File[]> {
  const out: File[] = [];
  const queue = [...entries];
  while (queue.length > 0 && out.length < MAX_WALK) {
    const entry = queue.shift();
    if (!entry || entry.name.startsWith('.')) continue;
    if (isFileEntry(entry)) {
      const file = await new Promise<File | null>((resolve) => entry.file(resolve, () => resolve(null)));
      if (file) out.push(file);
    } else if (isDirectoryEntry(entry)) {
      queue.push(...(await readAll(entry)));
    }
  }
  return out;
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

/** readEntries answers in batches (about 100); it must be called until it answers nothing. */
async function readAll(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve) => reader.readEntries(resolve, () => resolve([])));
    if (batch.length === 0) return all;
    all.push(...batch);
    if (all.length >= MAX_WALK) return all;
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Accepted by its extension, or by its MIME type when it has none (pasted images). */
export function isAccepted(file: File, config: UploaderConfig): boolean {
  const extension = extensionOf(file.name);
  if (extension !== '') return config.extensions.includes(extension);
  return config.mimeTypes.includes(file.type.toLowerCase());
}

export function isVideo(file: File): boolean {
  return file.type.startsWith('video/') || ['mov', 'mp4', 'webm'].includes(extensionOf(file.name));
}

/** Names already queued (and repeats within the batch) are skipped; wrong types and sizes are refused. */
export function sortFiles(files: readonly File[], config: UploaderConfig, queuedNames: ReadonlySet<string>): Sorted {
  const seen = new Set(queuedNames);
  const accepted: File[] = [];
  const refused: Refusal[] = [];
  for (const raw of files) {
    const file = named(raw);
    if (seen.has(file.name)) continue;
    seen.add(file.name);
    if (!isAccepted(file, config)) refused.push({ name: file.name, reason: 'invalidFormat' });
    else if (file.size > config.maxBytes) refused.push({ name: file.name, reason: 'tooBig' });
    else accepted.push(file);
  }
  return { files: accepted, refused };
}

/** Pasted images are all called `image.png`; give each its own name so they are not taken for repeats. */
function named(file: File): File {
  if (file.name !== '' && file.name !== 'image.png') return file;
  const extension = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return new File([file], `pasted-${stamp}-${Math.random().toString(36).slice(2, 6)}.${extension}`, { type: file.type, lastModified: file.lastModified });
}

/** One URL per line; blank lines ignored; anything but http(s) refused. */
export function sortUrls(text: string, queuedNames: ReadonlySet<string>): { urls: string[]; refused: Refusal[] } {
  const urls: string[] = [];
  const refused: Refusal[] = [];
  const seen = new Set(queuedNames);
  for (const line of text.split(/\r?\n/)) {
    const value = line.trim();
    if (value === '' || seen.has(value)) continue;
    seen.add(value);
    if (looksLikeUrl(value)) urls.push(value);
    else refused.push({ name: value.slice(0, 200), reason: 'invalidUrl' });
  }
  return { urls, refused };
}

export function looksLikeUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
