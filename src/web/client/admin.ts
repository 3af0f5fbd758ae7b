/**
 * Dashboard forms that destroy something carry `data-confirm` with the question in the page's
 * language; the browser asks before submitting. Without script the forms still work, unasked.
 */
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

export {};
