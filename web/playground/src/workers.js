// Monaco's web workers, served from the BFF beside playground.js (the CSP
// allows workers from 'self' only).
const url = (name) => new URL(`./${name}.worker.js`, import.meta.url);

// start starts a worker whose errors the page reports itself.
//
// Monaco restarts workers while the page is open: monaco-json stops its
// worker whenever its options change, and monaco-graphql changes them (the
// variables' JSON schema) after edits and tab switches. A worker whose script
// cannot be fetched (the BFF stopped or is restarting) fires a plain `error`
// Event at the Worker; Monaco passes worker errors to its onUnexpectedError,
// whose default handler rethrows them from a timer, so the page would show an
// "Uncaught Event" with neither message nor stack. This listener runs first,
// logs what failed, and keeps the event from Monaco and from the page's
// uncaught-error reporting (preventDefault; HTML, "Runtime script errors" of
// workers). Nothing else is lost: Monaco's own handling is only that rethrow
// and a warning; the editor goes on without the worker's language features
// until Monaco starts the worker again.
function start(name, label) {
  const src = url(name);
  const worker = new Worker(src, { name: label });
  worker.addEventListener('error', (event) => {
    event.stopImmediatePropagation();
    event.preventDefault();
    const what = event instanceof ErrorEvent ? `failed: ${event.message}` : 'could not be loaded';
    console.error(`The editor's ${label} worker (${src.pathname}) ${what}`);
  });
  return worker;
}

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return start('json', label);
      case 'graphql':
        return start('graphql', label);
      default:
        return start('editor', label);
    }
  },
};
