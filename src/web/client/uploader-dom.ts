/** Small DOM helpers for the uploader; DOM APIs only, no framework. */
import type { UploaderConfig } from './uploader-types.js';

export type Vars = Readonly<Record<string, string | number>>;
export type Translate = (key: string, vars?: Vars) => string;

/** Text with `{name}` placeholders filled (plain text: it is always put in the DOM as text). */
export function translator(config: UploaderConfig): Translate {
  return (key, vars) => {
    const template = config.messages[key] ?? key;
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}

/** A translated template whose `{name}` slots are DOM nodes (links, buttons). */
export function fill(template: string, parts: Readonly<Record<string, Node | string>>): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const piece of template.split(/(\{\w+\})/)) {
    const slot = /^\{(\w+)\}$/.exec(piece);
    const part = slot ? parts[slot[1] ?? ''] : undefined;
    if (part === undefined) fragment.append(piece);
    else fragment.append(part);
  }
  return fragment;
}

type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

/** Creates an element; `true` attributes are set empty, `false`/undefined are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`uploader: #${id} missing`);
  return node;
}

export function maybeId<T extends HTMLElement>(id: string, type: { new (): T }): T | null {
  const node = document.getElementById(id);
  return node instanceof type ? node : null;
}

export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

export function setCsrfToken(token: string): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]');
  if (meta) meta.content = token;
  // Other forms of the page (log out) carry the token too.
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="_csrf"]')) input.value = token;
}

/** Copies text, with a fallback for browsers without the async clipboard. */
export async function copyText(text: string, source: HTMLTextAreaElement | HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!source) return false;
    source.select();
    return document.execCommand('copy');
  }
}

/** Shows a modal dialog and resolves with its return value once closed. */
export function showDialog(dialog: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.showModal();
  });
}
