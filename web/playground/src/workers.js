// Monaco's web workers, served from the BFF beside playground.js (the CSP
// allows workers from 'self' only).
const url = (name) => new URL(`./${name}.worker.js`, import.meta.url);

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(url('json'), { name: label });
      case 'graphql':
        return new Worker(url('graphql'), { name: label });
      default:
        return new Worker(url('editor'), { name: label });
    }
  },
};
