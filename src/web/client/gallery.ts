/**
 * Viewer pages inside an album: the left and right arrow keys go to the previous and next item,
 * unless the visitor is typing in a field or holds a modifier (those keys then belong to the browser).
 */

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event.target)) return;
  const rel = event.key === 'ArrowLeft' ? 'prev' : event.key === 'ArrowRight' ? 'next' : null;
  if (!rel) return;
  const link = document.querySelector<HTMLAnchorElement>(`.album-nav a[rel="${rel}"]`);
  if (!link) return;
  event.preventDefault();
  window.location.assign(link.href);
});

export {};
