// Loads the planner's WebAssembly; the app mounts itself into <body>.
import init from './web.js';

init({ module_or_path: new URL('web_bg.wasm', import.meta.url) }).catch((err) => {
  const p = document.createElement('p');
  p.className = 'load-error';
  p.textContent = `The planner could not start: ${err}`;
  document.body.append(p);
  console.error(err);
});
