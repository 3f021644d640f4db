// Progress and re-forecast in the planner (SPEC section 6), in Debian's Chromium: a task
// marked done in the Edit tables and the status date moved on the Schedule tab re-forecast
// the schedule (task dates, a release's ready and deploy dates, a deployed release's date)
// and the simulated P80 exactly as the CLI says for the same plan text; progress that breaks
// a rule of the section is listed, located, with the plan's errors until the next edit fixes
// it; the team lanes draw done work and the status-date line.
//
// The CLI is the real one (`cargo run --bin shipdate`, or SHIPDATE_BIN).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, screenshot, shipdate, RESULTS, setPlan } from './harness.mjs';

// schema is under way (started 2027-01-04, status date 2027-01-08: 4 of its 5 days run);
// api and ui follow it; `hotfix` shipped schema's first cut on 2027-01-13.
const PLAN = `[plan]
name = "progress"
start = 2027-01-04
status_date = 2027-01-08

[teams.be]
capacity = 1

[[tasks]]
id = "schema"
team = "be"
estimate = 5
started = 2027-01-04

[[tasks]]
id = "api"
team = "be"
estimate = { low = 4, likely = 6, high = 12 }
after = ["schema"]

[[tasks]]
id = "ui"
estimate = { low = 2, likely = 3, high = 6 }
after = ["api"]

[[risks]]
id = "vendor"
probability = 0.3
impact = 3
tasks = ["api"]

[[releases]]
id = "r1"
tasks = ["ui"]
target = 2027-02-05

[[releases]]
id = "hotfix"
tasks = ["schema"]
deployed = 2027-01-13
`;

const SEED = 11;
const ITERATIONS = 4000;

let server;
let browser;

before(async () => {
  await mkdir(RESULTS, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});


/** The schedule tables as the page shows them. */
async function scheduleShown(page) {
  await page.getByTestId('tab-schedule').click();
  return page.evaluate(() => {
    const cell = (row, col) => row.querySelector(`[data-col=${col}]`).textContent;
    return {
      asOf: document.querySelector('[data-testid=as-of]')?.textContent ?? null,
      tasks: [...document.querySelectorAll('[data-testid=task-row]')].map((r) => ({
        id: r.dataset.task,
        start: cell(r, 'start'),
        finish: cell(r, 'finish'),
        left: Number(cell(r, 'duration')),
        state: cell(r, 'state'),
      })),
      releases: [...document.querySelectorAll('[data-testid=release-row]')].map((r) => ({
        id: r.dataset.release,
        ready: cell(r, 'ready'),
        deploy: cell(r, 'deploy'),
        deployed: /^deployed /.test(cell(r, 'status')) ? cell(r, 'status').slice(9) : null,
      })),
    };
  });
}

/** The same tables from `shipdate schedule --format json` of `text`. */
function scheduleOfCli(text, name) {
  const file = join(RESULTS, `${name}.toml`);
  return writeFile(file, text).then(() => {
    const v = JSON.parse(shipdate(['schedule', file, '--format', 'json']));
    // The table's words for the JSON's states (SPEC section 6), and its work left.
    const word = { done: 'done', in_progress: 'in progress', not_started: 'not started' };
    return {
      asOf: v.status_date ? `as of ${v.status_date}` : null,
      tasks: v.tasks.map((t) => ({
        id: t.id,
        start: t.start_date,
        finish: t.finish_date,
        left: t.remaining,
        state: word[t.state],
      })),
      releases: v.releases.map((r) => ({
        id: r.id,
        ready: r.ready_date,
        deploy: r.deploy_date,
        deployed: r.deployed_date ?? null,
      })),
    };
  });
}

/** Runs the page's simulation; resolves to its P80 (value and date) and releases' P80s. */
async function simulateShown(page) {
  await page.getByTestId('tab-risk').click();
  await page.getByLabel('Iterations').fill(String(ITERATIONS));
  await page.getByLabel('Seed').fill(String(SEED));
  // A run of an earlier text may be on show: wait for the one of this text.
  await page.getByTestId('sim-run').click();
  await page.waitForFunction(
    ([n, s]) => {
      const r = document.querySelector('[data-testid=sim-result]');
      return (
        r &&
        r.dataset.iterations === String(n) &&
        r.dataset.seed === String(s) &&
        !document.querySelector('[data-testid=sim-stale]') &&
        document.querySelector('[data-testid=sim-status]').textContent === 'Done.'
      );
    },
    [ITERATIONS, SEED],
    { timeout: 60_000 },
  );
  const p80 = page.getByTestId('p80');
  const asOf = page.getByTestId('sim-as-of');
  return {
    asOf: (await asOf.count()) ? await asOf.innerText() : null,
    value: Number(await p80.getAttribute('data-value')),
    date: await p80.innerText(),
    releases: await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=release-odds] tbody tr')].map((r) => ({
        id: r.dataset.release,
        p80: r.querySelector('td').textContent,
      })),
    ),
  };
}

async function simulateOfCli(text, name) {
  const file = join(RESULTS, `${name}.toml`);
  await writeFile(file, text);
  const v = JSON.parse(
    shipdate([
      'simulate', file, '--seed', String(SEED), '--iterations', String(ITERATIONS), '--format', 'json',
    ]),
  );
  return {
    asOf: v.status_date ? `Forecast as of ${v.status_date}` : null,
    value: v.makespan.p80,
    date: v.finish_date.p80,
    releases: v.releases.map((r) => ({ id: r.id, p80: r.deploy_date.p80 })),
  };
}

describe('progress in the planner', () => {
  test('marking a task done and moving the status date re-forecast as the CLI does', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.locator('#plan-source').waitFor();
    await setPlan(page, PLAN);
    await page.locator('[data-testid=valid]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-row]').length === 3);

    // Before: the page agrees with the CLI on the plan as loaded.
    const before = await scheduleShown(page);
    assert.deepEqual(before, await scheduleOfCli(PLAN, 'progress-before'));
    // The deployed release is reported on its date, not forecast from schema.
    assert.deepEqual(before.releases[1], {
      id: 'hotfix',
      ready: '2027-01-13',
      deploy: '2027-01-13',
      deployed: '2027-01-13',
    });
    assert.equal(before.asOf, 'as of 2027-01-08');
    assert.deepEqual(
      before.tasks.map((t) => [t.id, t.state, t.left]),
      [['schema', 'in progress', 1], ['api', 'not started', 6], ['ui', 'not started', 3]],
    );
    assert.equal(
      await page.locator('[data-testid=status-date]').inputValue(),
      '2027-01-08',
    );
    const simBefore = await simulateShown(page);
    assert.deepEqual(simBefore, await simulateOfCli(PLAN, 'progress-before'));

    // Mark schema done on 2027-01-12: after the status date (2027-01-08), an error of the
    // plan, listed at schema's line, naming it; the schedule is kept, stale.
    await page.getByTestId('tab-edit').click();
    const done = page.getByLabel('Done on (task schema)', { exact: true });
    await done.fill('2027-01-12');
    await done.dispatchEvent('change');
    await page.waitForFunction(() => /done = 2027-01-12/.test(document.querySelector('#plan-source').value));
    const diag = page.locator('[data-testid=diagnostic]').first();
    await diag.waitFor();
    assert.match(
      await diag.innerText(),
      /^line \d+, column \d+: .*task `schema`: `done` 2027-01-12 is after the status date 2027-01-08/,
    );
    const line = Number(await diag.getAttribute('data-line'));
    const src = await page.locator('#plan-source').inputValue();
    assert.equal(src.split('\n')[line - 1], 'done = 2027-01-12');
    assert.equal(await page.locator('#schedule').getAttribute('data-stale'), 'true');
    // The table goes on showing what was written.
    assert.equal(await done.inputValue(), '2027-01-12');

    // Move the status date to 2027-01-18: valid again, re-forecast at once.
    await page.getByTestId('tab-schedule').click();
    const status = page.getByTestId('status-date');
    await status.fill('2027-01-18');
    await status.dispatchEvent('change');
    await page.locator('[data-testid=valid]').waitFor();
    await page.waitForFunction(() => /status_date = 2027-01-18/.test(document.querySelector('#plan-source').value));
    assert.equal(await page.locator('#schedule').getAttribute('data-stale'), 'false');
    const text = await page.locator('#plan-source').inputValue();
    assert.match(text, /id = "schema"[^[]*done = 2027-01-12/);

    const afterShown = await scheduleShown(page);
    const afterCli = await scheduleOfCli(text, 'progress-after');
    assert.deepEqual(afterShown, afterCli);
    // It moved: api no longer follows the rest of schema, it starts at the status date.
    assert.equal(afterShown.tasks[0].finish, '2027-01-12');
    assert.equal(afterShown.tasks[1].start, '2027-01-18');
    assert.notDeepEqual(afterShown.tasks[1], before.tasks[1]);
    assert.notEqual(afterShown.releases[0].ready, before.releases[0].ready);
    assert.deepEqual(afterShown.releases[1], before.releases[1]);
    assert.equal(afterShown.asOf, 'as of 2027-01-18');
    assert.equal(afterShown.tasks[0].state, 'done');

    // The team lanes: schema's bar muted as done, the status line at 2027-01-18, labelled.
    await page.locator('[data-testid=gantt] svg').waitFor();
    assert.equal(await page.locator('[data-testid=gantt] rect[data-done=schema]').count(), 1);
    assert.equal(await page.locator('[data-testid=gantt] [data-done]').count(), 1);
    assert.equal(await page.locator('[data-testid=gantt] line[data-status="2027-01-18"]').count(), 1);
    assert.match(await page.locator('[data-testid=gantt] svg').innerHTML(), />status 2027-01-18<\/text>/);
    await screenshot(page, 'progress-schedule');

    const simAfter = await simulateShown(page);
    assert.deepEqual(simAfter, await simulateOfCli(text, 'progress-after'));
    assert.notEqual(simAfter.value, simBefore.value);
    assert.equal(simAfter.releases[1].p80, '2027-01-13');

    // Started with work left: api started on 2027-01-18 with 2 days left.
    await page.getByTestId('tab-edit').click();
    const started = page.getByLabel('Started on (task api)', { exact: true });
    await started.fill('2027-01-18');
    await started.dispatchEvent('change');
    await page.waitForFunction(() => /id = "api"\n(?:(?!\[\[)[^])*started = 2027-01-18/.test(document.querySelector('#plan-source').value));
    const left = page.getByLabel('Work left of task api', { exact: true });
    await left.fill('2');
    await left.press('Enter');
    await page.waitForFunction(() => /id = "api"\n(?:(?!\[\[)[^])*remaining = 2\n/.test(document.querySelector('#plan-source').value));
    await page.locator('[data-testid=valid]').waitFor();
    const text2 = await page.locator('#plan-source').inputValue();
    const shown2 = await scheduleShown(page);
    assert.deepEqual(shown2, await scheduleOfCli(text2, 'progress-started'));
    // api: [2027-01-18, 2027-01-19]; ui after it.
    assert.deepEqual(shown2.tasks[1], {
      id: 'api',
      start: '2027-01-18',
      finish: '2027-01-19',
      left: 2,
      state: 'in progress',
    });
    assert.equal(await page.locator('[data-testid=gantt] rect[data-elapsed]').count(), 0);

    // Clearing the status date leaves done and started work without one: errors, listed.
    await page.getByTestId('status-date-clear').click();
    await page.waitForFunction(() => !/status_date/.test(document.querySelector('#plan-source').value));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=diagnostic]')].some((d) => /needs a status date/.test(d.textContent)),
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});

// Weekly trains; 2027.1 shipped on 2027-01-19 (its tasks done), 2027.2 still to plan.
const SHIPPED = `[plan]
name = "shipped"
start = 2027-01-04
status_date = 2027-01-20

[teams.backend]
capacity = 2

[[tasks]]
id = "api"
team = "backend"
estimate = 5
done = 2027-01-08

[[tasks]]
id = "search"
team = "backend"
estimate = 4

[[releases]]
id = "2027.1"
tasks = ["api"]
cadence = { weekdays = ["tue"], every_weeks = 1, from = 2027-01-12 }
target = 2027-01-26
deployed = 2027-01-19

[[releases]]
id = "2027.2"
tasks = ["search"]
windows = [2027-02-02, 2027-02-09]
target = 2027-02-09
`;

describe('a shipped release in the Scope view', () => {
  test('is reported on its deployed date, as `shipdate windows` reports it', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.locator('#plan-source').waitFor();
    await setPlan(page, SHIPPED);
    await page.locator('[data-testid=valid]').waitFor();
    await page.getByTestId('tab-scope').click();
    await page.getByTestId('windows-run').click();
    await page.locator('[data-testid=team-load] svg').waitFor({ timeout: 60_000 });
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=windows-releases] tbody tr')].map((r) => ({
        id: r.dataset.release,
        window: r.querySelector('[data-col=window]').textContent,
        status: r.querySelector('[data-col=status]').textContent,
      })),
    );
    const file = join(RESULTS, 'shipped.toml');
    await writeFile(file, SHIPPED);
    const v = JSON.parse(shipdate(['windows', file, '--format', 'json']));
    assert.deepEqual(v.releases[0].deployed, '2027-01-19');
    assert.deepEqual(
      shown,
      v.releases.map((r) => ({
        id: r.id,
        window: r.deployed ?? r.window,
        status: r.deployed ? `deployed ${r.deployed}` : r.on_time ? 'on time' : 'late',
      })),
    );
    assert.deepEqual(shown[0], { id: '2027.1', window: '2027-01-19', status: 'deployed 2027-01-19' });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
