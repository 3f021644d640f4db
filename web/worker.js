// The planner's worker: the same wasm as the page (whose start function mounts nothing
// without a window). One job at a time:
// - a JSON string (simulate, windows): progress and the result come back as JSON strings;
// - { op: 'part', job }: batches of a run; progress as JSON strings, then
//   { id, part, bytes } with the part's bytes (moved, not copied);
// - { op: 'merge', job, parts }: the parts of a run merged; the result as a JSON string.
import init, { worker_run, worker_part, worker_merge } from './web.js';

const ready = init({ module_or_path: new URL('web_bg.wasm', import.meta.url) });
let queue = Promise.resolve();
const post = (msg) => self.postMessage(msg);

self.onmessage = (e) => {
  const msg = e.data;
  queue = queue
    .then(async () => {
      await ready;
      if (typeof msg === 'string') {
        post(worker_run(msg, post));
      } else if (msg.op === 'part') {
        const out = worker_part(msg.job, post);
        if (typeof out === 'string') {
          post(out);
        } else {
          const { id, part } = JSON.parse(msg.job).simulate_part;
          self.postMessage({ id, part, bytes: out }, [out.buffer]);
        }
      } else if (msg.op === 'merge') {
        post(worker_merge(msg.job, msg.parts));
      }
    })
    .catch((err) => post(JSON.stringify({ failed: { id: 0, message: String(err) } })));
};
