// Both playground pages' Content-Security-Policy allows <style> elements
// only when they carry the response's nonce (style-src 'nonce-…'). Monaco
// (the rules of its icons, theme and decorations) and the scroll lock of
// GraphiQL's dialogs (react-remove-scroll) create <style> elements at run
// time and have no option to pass a nonce, so every <style> element this
// document creates gets the nonce before any code can insert it: what
// emotion's and styled-components' nonce options do, done once for all.
//
// The nonce reaches this module on the page's one <script> element that
// carries it (the offline build's bundle, or the CDN page's cdn.js): the
// server puts the response's nonce there, and the element's nonce property
// keeps it after browsers hide the attribute's value from the DOM (HTML,
// "Nonce attributes"). No inline script is needed.
//
// Both pages import this module first, so it runs before any code of theirs
// that creates styles (the CDN page's GraphiQL, which runs before it,
// creates none until it renders).
const nonce = document.querySelector('script[nonce]')?.nonce;

if (nonce) {
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function createElementWithNonce(name, options) {
    const element = createElement.call(this, name, options);
    if (element instanceof HTMLStyleElement) element.setAttribute('nonce', nonce);
    return element;
  };
}
