/**
 * The client set-ups page: a key typed into #api-key-fill replaces the YOUR_API_KEY placeholder in
 * every recipe and in the bookmarklet's link, in this page only. Nothing is sent anywhere, so a page
 * the server renders never carries a real key.
 */

const PLACEHOLDER = 'YOUR_API_KEY';
const input = document.getElementById('api-key-fill');

if (input instanceof HTMLInputElement) {
  const texts = [...document.querySelectorAll<HTMLElement>('[data-key-template]')].map((el) => ({ el, template: el.textContent ?? '' }));
  const links = [...document.querySelectorAll<HTMLAnchorElement>('a[data-key-href]')].map((el) => ({ el, template: el.getAttribute('href') ?? '' }));
  const fill = () => {
    const key = input.value.trim();
    // Only key characters; anything else would break the JSON and shell text it is put into.
    const usable = /^[A-Za-z0-9_-]{1,200}$/.test(key) ? key : PLACEHOLDER;
    for (const { el, template } of texts) el.textContent = template.split(PLACEHOLDER).join(usable);
    for (const { el, template } of links) el.setAttribute('href', template.split(PLACEHOLDER).join(usable));
  };
  input.addEventListener('input', fill);
  fill();
}

export {};
