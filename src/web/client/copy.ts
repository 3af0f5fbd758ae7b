/**
 * Copy buttons, for any page: `<button type="button" data-copy-target="ID">` copies the value of the
 * input or textarea with that id (or the text of any other element). The button briefly shows its
 * `data-copied-label` ("Copied" in the page's language). Listening on the document means buttons
 * added later (the uploader's results) work without registering them.
 */

const RESET_MS = 2000;
const timers = new WeakMap<HTMLElement, number>();

function textOf(target: Element): string {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return target.value;
  return target.textContent ?? '';
}

/** Clipboard API where the page is allowed to use it, else the selection and execCommand. */
async function writeText(text: string, target: Element): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or no focus: fall through to the older way.
  }
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    target.focus();
    target.select();
    return document.execCommand('copy');
  }
  return false;
}

function showCopied(button: HTMLElement): void {
  const label = button.dataset.copiedLabel ?? 'Copied';
  if (button.dataset.copyOriginal === undefined) button.dataset.copyOriginal = button.textContent ?? '';
  button.textContent = label;
  button.classList.add('copied');
  // Screen readers hear the change through the live region set on first use.
  button.setAttribute('aria-live', 'polite');
  const previous = timers.get(button);
  if (previous !== undefined) window.clearTimeout(previous);
  timers.set(
    button,
    window.setTimeout(() => {
      button.textContent = button.dataset.copyOriginal ?? '';
      button.classList.remove('copied');
    }, RESET_MS),
  );
}

document.addEventListener('click', (event) => {
  const origin = event.target;
  if (!(origin instanceof Element)) return;
  const button = origin.closest<HTMLElement>('[data-copy-target]');
  const id = button?.dataset.copyTarget;
  if (!button || !id) return;
  const target = document.getElementById(id);
  if (!target) return;
  event.preventDefault();
  void writeText(textOf(target), target).then((ok) => {
    if (ok) showCopied(button);
    else if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.select();
  });
});

export {};
