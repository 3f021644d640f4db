// The planner's worker: the same wasm as the page (whose start function mounts nothing
// without a window). Jobs in, progress and results out, all JSON strings; one job at a time.
import init, { worker_run } from './web.js';

const ready = init({ module_or_path: new URL('web_bg.wasm', import.meta.url) });
let queue = Promise.resolve();

self.onmessage = (e) => {
  queue = queue
    .then(async () => {
      await ready;
      self.postMessage(worker_run(e.data, (msg) => self.postMessage(msg)));
    })
    .catch((err) =>
      self.postMessage(JSON.stringify({ kind: 'failed', id: 0, message: String(err) })),
    );
};
