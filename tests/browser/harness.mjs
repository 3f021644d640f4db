// Shared by the browser tests: a tiny static server for dist/ on a free localhost port,
// Debian's Chromium launched headless through playwright-core, the real CLI, and a plan small
// enough to schedule by hand.
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.SHIPDATE_DIST ?? join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');

/** Runs the real CLI (SHIPDATE_BIN, or `cargo run --bin shipdate`); resolves to its stdout. */
export function shipdate(args) {
  const bin = process.env.SHIPDATE_BIN;
  const [cmd, full] = bin
    ? [bin, args]
    : ['cargo', ['run', '--quiet', '--bin', 'shipdate', '--', ...args]];
  return execFileSync(cmd, full, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

// One `be` slot: a [0,3), then b [3,5); c has no team and follows a: [3,7). Makespan 7; b can
// slip 2.
export const SMALL = `[plan]
name = "small"

[teams.be]
capacity = 1

[[tasks]]
id = "a"
team = "be"
estimate = 3

[[tasks]]
id = "b"
team = "be"
estimate = 2

[[tasks]]
id = "c"
estimate = 4
after = ["a"]
`;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `dir` on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serve(dir = DIST) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
      if (!file.startsWith(root)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch (err) {
      res.writeHead(err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Debian's Chromium, headless, with the flags that work on these machines. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Collects console errors, page errors and failed requests of `page` into an array. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`requestfailed: ${req.url()}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return errors;
}

export async function screenshot(page, name) {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Replaces the plan in the page's source editor with `text`, as typing would. */
export async function setPlan(page, text) {
  await page.locator('#plan-source').evaluate((el, t) => {
    el.value = t;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}
