// The planner's views in Debian's Chromium: every view drawn (screenshots of each), the
// simulation's P80 equal to `shipdate simulate` for the same plan and seed, progress and
// cancel with the page still usable, the editing tables, share links in a fresh context,
// files in and out, the tabs by keyboard, and hostile plan text shown as text in every view.
//
// The CLI is the real one (`cargo run --bin shipdate`, or SHIPDATE_BIN).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, screenshot, shipdate, SMALL as SMALL_NO_RELEASE, ROOT, RESULTS, setPlan } from './harness.mjs';
import { syntheticPlan } from '../../scripts/gen-plan.mjs';

// The hand-checked plan of the harness, with release v1 shipping b and c.
const SMALL = `${SMALL_NO_RELEASE}
[[releases]]
id = "v1"
tasks = ["b", "c"]
`;

const EVIL = '<img src=x onerror=alert(1)>';

let server;
let browser;
let example;

before(async () => {
  example = await readFile(join(ROOT, 'examples', 'checkout.toml'), 'utf8');
  await mkdir(RESULTS, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url = server.url) {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  await page.locator('#plan-source').waitFor();
  return { context, page, errors };
}

/** Replaces the plan's text as one edit (Playwright's `fill` is slow on long texts). */

async function simulate(page, iterations, seed) {
  await page.getByTestId('tab-risk').click();
  await page.getByLabel('Iterations').fill(String(iterations));
  await page.getByLabel('Seed').fill(String(seed));
  await page.getByTestId('sim-run').click();
  await page.waitForFunction(
    ([n, s]) => {
      const r = document.querySelector('[data-testid=sim-result]');
      return r && r.dataset.iterations === String(n) && r.dataset.seed === String(s);
    },
    [iterations, seed],
    { timeout: 60_000 },
  );
}

describe('planner views in Chromium', () => {
  test('every view is drawn from the example plan, with a screenshot of each', async () => {
    const { context, page, errors } = await open();
    const tasks = example.split('[[tasks]]').length - 1;
    const releases = example.split('[[releases]]').length - 1;

    // Schedule: tables and team lanes (a bar or diamond per task, release markers).
    await page.locator('[data-testid=gantt] svg').waitFor();
    assert.equal(await page.locator('[data-testid=gantt] [data-task]').count(), tasks);
    assert.equal(await page.locator('[data-testid=gantt] line[data-ready]').count(), releases);
    assert.ok((await page.locator('[data-testid=gantt] [data-lane]').count()) >= 5);
    await screenshot(page, 'view-schedule');

    // Dependencies: a node per task, the critical path marked, cross-team links.
    await page.getByTestId('tab-graph').click();
    await page.locator('[data-testid=graph] svg').waitFor();
    assert.equal(await page.locator('[data-testid=graph] g[data-task]').count(), tasks);
    const critical = await page.locator('[data-testid=schedule] tr.critical').count();
    assert.equal(
      await page.locator('[data-testid=graph] g[data-task][data-critical=true]').count(),
      critical,
    );
    assert.ok((await page.locator('[data-testid=graph] path[data-critical=true]').count()) > 0);
    assert.ok((await page.locator('[data-testid=graph] path[data-cross-team=true]').count()) > 0);
    await screenshot(page, 'view-graph');

    // Risk: percentiles, histogram, S-curve, one window-odds chart per release, tornados,
    // criticality table.
    await simulate(page, 2000, 7);
    for (const id of ['histogram', 's-curve', 'tornado-tasks', 'tornado-risks']) {
      assert.equal(await page.locator(`[data-testid=${id}] svg`).count(), 1, id);
    }
    assert.equal(await page.locator('[data-testid=window-odds] svg').count(), releases);
    assert.ok((await page.locator('[data-testid=criticality] tbody tr').count()) > 0);
    assert.equal(await page.getByTestId('sim-status').innerText(), 'Done.');
    await screenshot(page, 'view-risk');

    // Scope: the windows plan, release by release, and the team-load chart.
    await page.getByTestId('tab-scope').click();
    await page.getByTestId('windows-run').click();
    await page.locator('[data-testid=team-load] svg').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid=windows-releases] tbody tr').count(), releases);
    assert.ok((await page.locator('[data-testid=team-load] rect[data-team]').count()) > 0);
    await page.getByTestId('cut-list').waitFor();
    await screenshot(page, 'view-scope');

    // Editing tables: a row per task.
    await page.getByTestId('tab-edit').click();
    await page.getByTestId('edit-tasks').waitFor();
    assert.equal(await page.locator('[data-testid=edit-tasks] tbody tr').count(), tasks);
    await screenshot(page, 'view-edit');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the simulation's P80 is the one `shipdate simulate` gives for the plan and seed", async () => {
    const planFile = join(RESULTS, 'p80-plan.toml');
    await writeFile(planFile, example);
    const cli = JSON.parse(
      shipdate(['simulate', planFile, '--seed', '42', '--iterations', '10000', '--format', 'json']),
    );
    const { context, page, errors } = await open();
    await simulate(page, 10000, 42);
    const p80 = page.getByTestId('p80');
    assert.equal(Number(await p80.getAttribute('data-value')), cli.makespan.p80);
    assert.equal(await p80.innerText(), cli.finish_date.p80);
    assert.equal(Number(await page.getByTestId('p50').getAttribute('data-value')), cli.makespan.p50);
    assert.equal(Number(await page.getByTestId('p95').getAttribute('data-value')), cli.makespan.p95);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a long simulation shows progress, leaves the page usable, and can be cancelled', async () => {
    const { context, page, errors } = await open();
    await setPlan(page, syntheticPlan(300));
    await page.getByTestId('tab-risk').click();
    await page.getByLabel('Iterations').fill('100000');
    await page.getByTestId('sim-run').click();
    // Progress arrives from the worker.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=sim-progress]').value) >= 1000,
      null,
      { timeout: 60_000 },
    );
    assert.match(await page.getByTestId('sim-status').innerText(), /^Running: \d+ of 100000 iterations/);
    // The page still answers while it runs: an edit re-schedules.
    await page.getByTestId('tab-schedule').click();
    const text = await page.locator('#plan-source').inputValue();
    await setPlan(page, text.replace('name = "Synthetic 300"', 'name = "busy"'));
    await page.waitForFunction(() => document.querySelector('[data-testid=plan-name]').textContent === 'busy');
    assert.match(await page.getByTestId('sim-status').innerText(), /^Running/);
    // Cancel stops it; a new run (a fresh worker) finishes.
    await page.getByTestId('tab-risk').click();
    await page.getByTestId('sim-cancel').click();
    assert.equal(await page.getByTestId('sim-status').innerText(), 'Cancelled.');
    assert.ok(await page.getByTestId('sim-run').isEnabled());
    await setPlan(page, SMALL);
    await simulate(page, 500, 3);
    // Fixed durations: every percentile is the makespan, 7.
    assert.equal(await page.getByTestId('p80').innerText(), '7');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the editing tables change the plan, the schedule and the TOML; refused edits say why', async () => {
    const { context, page, errors } = await open();
    await setPlan(page, SMALL);
    await page.getByTestId('tab-edit').click();
    const estimate = page.getByLabel('Estimate of task a', { exact: true });
    await estimate.fill('5');
    await estimate.press('Enter');
    // a [0,5), c [5,9): the TOML is rewritten and the schedule moves.
    await page.waitForFunction(() => /id = "a"[^[]*estimate = 5\n/.test(document.querySelector('#plan-source').value));
    await page.getByTestId('tab-schedule').click();
    assert.equal(await page.getByTestId('makespan').innerText(), '9');
    await page.getByTestId('tab-edit').click();

    // Capacity 0 is refused, in its row, and nothing changes.
    const before = await page.locator('#plan-source').inputValue();
    const cap = page.getByLabel('Capacity of team be', { exact: true });
    await cap.fill('0');
    await cap.press('Enter');
    const rowError = page.locator('tr[data-team=be] [data-testid=edit-error]');
    await page.waitForFunction(() => document.querySelector('tr[data-team=be] [data-testid=edit-error]').textContent !== '');
    assert.match(await rowError.innerText(), /at least 1/);
    assert.equal(await page.locator('#plan-source').inputValue(), before);

    // A link that would close a cycle is refused by the engine's validation.
    await page.getByLabel('New link from').selectOption('c');
    await page.getByLabel('to', { exact: true }).selectOption('a');
    await page.getByTestId('add-link').click();
    await page.waitForFunction(() => /cycle/.test(document.querySelector('.add-link [data-testid=edit-error]').textContent));

    // Add a task, rename it, put it on team be, give it a PERT estimate, then delete b.
    await page.getByTestId('add-task').click();
    await page.locator('[data-testid=edit-tasks] tr[data-task=task1]').waitFor();
    const id = page.getByLabel('Id of task task1', { exact: true });
    await id.fill('qa');
    await id.press('Enter');
    await page.locator('[data-testid=edit-tasks] tr[data-task=qa]').waitFor();
    await page.getByLabel('Team of task qa').selectOption('be');
    await page.waitForFunction(() => /id = "qa"\nteam = "be"/.test(document.querySelector('#plan-source').value));
    const est = page.getByLabel('Estimate of task qa', { exact: true });
    await est.fill('1/2/6');
    await est.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('#plan-source').value.includes('estimate = { low = 1, likely = 2, high = 6 }'),
    );
    await page.getByLabel('Delete task b', { exact: true }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=edit-tasks] tr[data-task=b]'));
    const src = await page.locator('#plan-source').inputValue();
    assert.ok(!src.includes('id = "b"'));
    assert.match(src, /\[\[releases\]\]\nid = "v1"\ntasks = \["c"\]/);
    await page.locator('[data-testid=valid]').waitFor();
    // Kept across a reload, like any edit.
    await page.reload();
    await page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(await page.locator('#plan-source').inputValue(), src);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a share link opens the same plan in a fresh browser context', async () => {
    const { context, page, errors } = await open();
    const mine = SMALL.replace('name = "small"', 'name = "shared plan ünïcode"');
    await setPlan(page, mine);
    await page.getByTestId('make-share-link').click();
    const link = await page.getByTestId('share-link').inputValue();
    assert.ok(link.startsWith(server.url) && link.includes('#plan=1.'), link);
    await context.close();

    const fresh = await open(link);
    await fresh.page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(await fresh.page.locator('#plan-source').inputValue(), mine);
    assert.equal(await fresh.page.getByTestId('plan-name').innerText(), 'shared plan ünïcode');
    assert.match(await fresh.page.getByTestId('notice').innerText(), /shared link/);
    // The fragment is dropped once read; the plan is saved like any other.
    assert.equal(new URL(fresh.page.url()).hash, '');
    await fresh.page.reload();
    await fresh.page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(await fresh.page.locator('#plan-source').inputValue(), mine);
    assert.deepEqual([...errors, ...fresh.errors], []);
    await fresh.context.close();

    // A damaged link is reported; the planner opens normally.
    const bad = await open(`${server.url}#plan=1.%21%21%21`);
    await bad.page.locator('[data-testid=task-row]').first().waitFor();
    assert.match(await bad.page.getByTestId('notice').innerText(), /could not be opened/);
    assert.equal(await bad.page.locator('#plan-source').inputValue(), example);
    assert.deepEqual(bad.errors, []);
    await bad.context.close();
  });

  test('plans go out as TOML and JSON files and come back in; new and example plans', async () => {
    const { context, page, errors } = await open();
    await setPlan(page, SMALL);
    let [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-toml').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'small.toml');
    assert.equal(await readFile(await download.path(), 'utf8'), SMALL);
    [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-json').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'small.json');
    const jsonFile = join(RESULTS, 'small.json');
    await writeFile(jsonFile, await readFile(await download.path(), 'utf8'));
    assert.equal(JSON.parse(await readFile(jsonFile, 'utf8')).plan.name, 'small');

    await page.getByTestId('new-empty').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=plan-name]').textContent === 'New plan');
    await page.locator('#open-file').setInputFiles(jsonFile);
    await page.waitForFunction(() => document.querySelector('[data-testid=plan-name]').textContent === 'small');
    assert.equal(await page.getByTestId('makespan').innerText(), '7');
    assert.match(await page.locator('#plan-source').inputValue(), /^\[plan\]\nname = "small"/);

    await page.getByTestId('new-example').click();
    await page.waitForFunction((t) => document.querySelector('#plan-source').value === t, example);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the view tabs work from the keyboard and every control has a label', async () => {
    const { context, page, errors } = await open();
    await page.getByTestId('tab-schedule').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByTestId('tab-graph').getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-graph');
    assert.ok(await page.locator('#panel-graph').isVisible());
    assert.ok(await page.locator('#panel-schedule').isHidden());
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-edit');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-schedule');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    assert.equal(await page.getByTestId('tab-scope').getAttribute('aria-selected'), 'true');
    // Every input, select and textarea has a name for assistive technology.
    await page.getByTestId('tab-edit').click();
    await page.getByTestId('edit-tasks').waitFor();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !(el.labels?.length || el.getAttribute('aria-label')))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a task named ${EVIL} shows as text in every view and runs nothing`, async () => {
    const { context, page, errors } = await open();
    const plan = SMALL.replace('id = "c"', `id = "c"\nname = "${EVIL}"`)
      .replace('name = "small"', `name = "${EVIL}"`)
      .replace('[[releases]]', `[[risks]]\nid = "r"\nprobability = 0.5\nimpact = { low = 1, likely = 2, high = 4 }\ntasks = ["c"]\n\n[[releases]]`)
      .replace('estimate = 4', 'estimate = { low = 3, likely = 4, high = 9 }');
    await setPlan(page, plan);
    await page.waitForFunction(
      (evil) => document.querySelector('tr[data-task="c"] td[data-col=name]')?.textContent === evil,
      EVIL,
    );
    assert.equal(await page.getByTestId('plan-name').innerText(), EVIL);
    // Drawn views: the name is in the SVG as text (titles), never as an element.
    assert.ok((await page.locator('[data-testid=gantt] svg title').allTextContents()).some((t) => t.includes(EVIL)));
    await page.getByTestId('tab-graph').click();
    assert.ok((await page.locator('[data-testid=graph] svg title').allTextContents()).some((t) => t.includes(EVIL)));
    await simulate(page, 500, 1);
    assert.equal(await page.locator('[data-testid=criticality] tr[data-task=c] th').innerText(), EVIL);
    await page.getByTestId('tab-edit').click();
    assert.equal(await page.getByLabel('Name of task c', { exact: true }).inputValue(), EVIL);
    await screenshot(page, 'view-hostile-text');
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
