// The HTML report in Debian's Chromium: the example plan's report shows every chart (Gantt,
// histogram, S-curve, both tornados, the window odds of every release) with the right number
// of marks, makes no request beyond the file itself, logs no error, and shows hostile plan
// text as text. Screenshots go to test-results/.
//
// The report is made by the real CLI (`cargo run --bin shipdate -- report ...`), so the page
// tested is the page users get. Set SHIPDATE_BIN to use an already built binary.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, watchErrors, screenshot, shipdate, ROOT, RESULTS } from './harness.mjs';

const HOSTILE = `[plan]
name = "</title><script>alert('plan')</script>"
start = 2027-01-04

[teams."x"]
capacity = 1

[[tasks]]
id = "a"
name = "<img src=x onerror=alert(1)>"
team = "x"
estimate = { low = 1, likely = 2, high = 5 }

[[tasks]]
id = "b"
name = "&amp; \\" ' <b>bold</b>"
estimate = 3
after = ["a"]

[[risks]]
id = "r"
probability = 0.5
impact = 2
tasks = ["a"]

[[releases]]
id = "rel"
tasks = ["b"]
target = 2027-01-08
windows = [2027-01-08, 2027-01-12, 2027-01-15]
`;

let browser;
let exampleReport;
let hostileReport;

before(async () => {
  await mkdir(RESULTS, { recursive: true });
  exampleReport = join(RESULTS, 'report.html');
  shipdate(['report', 'examples/checkout.toml', '-o', exampleReport, '-n', '2000', '--seed', '7']);
  const hostilePlan = join(RESULTS, 'hostile-plan.toml');
  await writeFile(hostilePlan, HOSTILE);
  hostileReport = join(RESULTS, 'report-hostile.html');
  shipdate(['report', hostilePlan, '-o', hostileReport, '-n', '500']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Opens a report from disk, recording every request the page makes. */
async function open(file) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, url };
}

describe('the HTML report', () => {
  test('the example report shows every chart, with no request and no error', async () => {
    const { page, errors, requests, url } = await open(exampleReport);
    const plan = await readFile(join(ROOT, 'examples', 'checkout.toml'), 'utf8');
    const taskCount = (plan.match(/^\[\[tasks\]\]/gm) ?? []).length;
    const milestones = (plan.match(/^kind = "milestone"/gm) ?? []).length;
    const releases = (plan.match(/^\[\[releases\]\]/gm) ?? []).length;
    assert.ok(taskCount > 30 && releases >= 2, 'the example plan is the one the issue names');

    const ids = ['gantt', 'histogram', 's-curve', 'tornado-tasks', 'tornado-risks'];
    for (const id of ids) {
      const svg = page.locator(`figure#${id} svg`);
      assert.equal(await svg.count(), 1, `${id} has one chart`);
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 40, `${id} is drawn (${JSON.stringify(box)})`);
    }
    // Gantt: one bar per task (milestones as diamonds), each inside the plot.
    const bars = await page.locator('figure#gantt svg rect[data-task]').count();
    const diamonds = await page.locator('figure#gantt svg path[data-task]').count();
    assert.equal(bars + diamonds, taskCount);
    assert.ok(diamonds >= milestones);
    // Histogram bins, the S-curve and its three percentile marks, tornado bars.
    assert.ok((await page.locator('figure#histogram rect.bin').count()) >= 5);
    for (const p of ['P50', 'P80', 'P95']) {
      assert.ok((await page.locator('figure#histogram text', { hasText: p }).count()) === 1, p);
    }
    assert.equal(await page.locator('figure#s-curve polyline.cdf').count(), 1);
    assert.equal(await page.locator('figure#s-curve circle.mark').count(), 3);
    assert.ok((await page.locator('figure#tornado-tasks rect.bar').count()) >= 5);
    assert.ok((await page.locator('figure#tornado-risks rect.bar').count()) >= 1);
    // Window odds: a chart per release with bars whose percentages are shown.
    const windowCharts = page.locator('figure[id^="windows-"] svg');
    assert.equal(await windowCharts.count(), releases);
    for (let i = 0; i < releases; i++) {
      assert.ok((await windowCharts.nth(i).locator('rect.window').count()) >= 1);
    }
    // Release table and quality warnings are there as text.
    const body = await page.locator('body').innerText();
    assert.match(body, /Releases/);
    assert.match(body, /Plan quality/);
    assert.match(body, /P80 finish/);

    await screenshot(page, 'report');
    for (const id of ids) {
      await page.locator(`figure#${id}`).screenshot({ path: join(RESULTS, `report-${id}.png`) });
    }
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('plan text is shown as text, never run', async () => {
    const { page, errors, requests, url } = await open(hostileReport);
    const title = await page.title();
    assert.ok(title.includes("</title><script>alert('plan')</script>"), title);
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('b', { hasText: 'bold' }).count(), 0);
    const body = await page.locator('body').innerText();
    assert.ok(body.includes('<img src=x onerror=alert(1)>'), 'task name shown literally');
    assert.ok(body.includes(`&amp; " ' <b>bold</b>`), 'markup in names shown literally');
    const gantt = await page.locator('figure#gantt svg').innerHTML();
    assert.ok(gantt.includes('&lt;img src=x onerror=alert(1)&gt;'));
    await screenshot(page, 'report-hostile');
    assert.deepEqual(requests, [url]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
