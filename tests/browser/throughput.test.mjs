// Throughput in the planner (SPEC section 9), in Debian's Chromium: examples/throughput.toml
// (an item-sized task in a cross-team plan with links, capacity, risks and a release) gives
// in the Risk tab exactly the P50, P80, release P80 and on-time odds of
// `shipdate simulate --seed S -n N --format json`; a CSV export dropped on the Throughput tab
// that has an unreadable row shows the located error and leaves the plan alone; a good one,
// opened, shows the run chart with its limits, the stability verdict and the small-sample
// warning as `shipdate throughput` reads the same file; "use" writes the team's throughput
// into the plan, the burn-up fan of its item-sized tasks appears, and the release forecast
// changes, again equal to the CLI's; item-sized tasks show and edit their items in the
// Edit tables.
//
// The CLI is the real one (`cargo run --bin shipdate`, or SHIPDATE_BIN).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, screenshot, shipdate, ROOT, RESULTS, setPlan } from './harness.mjs';

const SEED = 7;
const ITERATIONS = 2000;
// The fixture: 20 items finished from Mon 2026-11-23 to Fri 2026-12-04 (2 1 3 2 2 / 1 2 3 2 2
// a working day), one not finished; its unreadable twin has "next tuesday" at line 5.
const GOOD = join(ROOT, 'tests', 'data', 'throughput', 'finished.csv');
const BAD = join(ROOT, 'tests', 'data', 'throughput', 'unreadable.csv');

let server;
let browser;
let example;

before(async () => {
  example = await readFile(join(ROOT, 'examples', 'throughput.toml'), 'utf8');
  await mkdir(RESULTS, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});


/** Runs the page's simulation; resolves to its P50, P80 and each release's P80 and odds. */
async function simulateShown(page) {
  await page.getByTestId('tab-risk').click();
  await page.getByLabel('Iterations').fill(String(ITERATIONS));
  await page.getByLabel('Seed').fill(String(SEED));
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
  return {
    p50: Number(await page.getByTestId('p50').getAttribute('data-value')),
    p80: Number(await page.getByTestId('p80').getAttribute('data-value')),
    releases: await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=release-odds] tbody tr')].map((r) => {
        const td = r.querySelectorAll('td');
        return { id: r.dataset.release, p80: td[0].textContent, onTime: td[1].textContent };
      }),
    ),
  };
}

/** The same numbers from `shipdate simulate --format json` of `text`. */
async function simulateOfCli(text, name) {
  const file = join(RESULTS, `${name}.toml`);
  await writeFile(file, text);
  const v = JSON.parse(
    shipdate(['simulate', file, '--seed', String(SEED), '-n', String(ITERATIONS), '--format', 'json']),
  );
  return {
    p50: v.makespan.p50,
    p80: v.makespan.p80,
    // The page writes odds as the engine's view::percent: one decimal at most.
    releases: v.releases.map((r) => ({
      id: r.id,
      p80: r.deploy_date.p80,
      onTime: `${Math.round(r.on_time_probability * 1000) / 10}%`,
    })),
  };
}

describe('throughput in the planner', () => {
  test('a CSV export gives a team its throughput and the release forecast follows, as the CLI says', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.locator('#plan-source').waitFor();
    await setPlan(page, example);
    await page.locator('[data-testid=valid]').waitFor();

    // The example as written: the browser's release odds and P80 are the CLI's.
    const before = await simulateShown(page);
    assert.deepEqual(before, await simulateOfCli(example, 'throughput-example'));
    assert.equal(before.releases.length, 1);

    // The Throughput tab opens on the team with item-sized tasks, with its run chart.
    await page.getByTestId('tab-throughput').click();
    assert.equal(await page.getByTestId('throughput-team').inputValue(), 'search');
    await page.locator('[data-testid=team-run-chart] svg').waitFor();
    assert.match(
      await page.getByTestId('team-throughput-verdict').innerText(),
      /^20 samples, items per working day, mean 2\.85: stable: every sample is inside the process limits$/,
    );

    // A dropped file with an unreadable row: the located error, the plan untouched.
    const badText = await readFile(BAD, 'utf8');
    const dt = await page.evaluateHandle((t) => {
      const d = new DataTransfer();
      d.items.add(new File([t], 'unreadable.csv', { type: 'text/csv' }));
      return d;
    }, badText);
    await page.getByTestId('csv-drop').dispatchEvent('drop', { dataTransfer: dt });
    const err = page.getByTestId('csv-error').first();
    await err.waitFor();
    assert.match(
      await err.innerText(),
      /^unreadable\.csv: line 5, column 47: cannot read "next tuesday" in column "Completed" as a date/,
    );
    assert.equal(await page.getByTestId('throughput-apply').count(), 0);
    assert.equal(await page.locator('#plan-source').inputValue(), example);

    // The good file, opened, over the last 2 weeks: what `shipdate throughput` reads.
    await page.getByTestId('throughput-weeks').fill('2');
    await page.getByTestId('throughput-weeks').dispatchEvent('change');
    await page.getByTestId('throughput-file').setInputFiles(GOOD);
    await page.getByTestId('csv-analysis').waitFor();
    const cli = JSON.parse(shipdate(['throughput', GOOD, '--weeks', '2', '--format', 'json']));
    const cliTable = shipdate(['throughput', GOOD, '--weeks', '2']);
    assert.deepEqual(cli.history.samples, [2, 1, 3, 2, 2, 1, 2, 3, 2, 2]);
    assert.equal(await page.getByTestId('csv-plan-line').innerText(), cli.plan_line);
    assert.equal(
      await page.getByTestId('csv-read').innerText(),
      'finished.csv: 20 finished item(s) in column "Completed", 1 not finished; history Sat 2026-11-21 to Fri 2026-12-04, 10 samples',
    );
    // The run chart: ten points, the mean and both limits, none outside.
    const chart = page.locator('[data-testid=csv-run-chart] svg');
    await chart.waitFor();
    assert.equal(await chart.locator('circle.sample').count(), 10);
    assert.equal(await chart.locator('circle.outside').count(), 0);
    assert.equal(await chart.locator('line.mean, line.upper-limit, line.lower-limit').count(), 3);
    assert.match(await page.getByTestId('csv-limits').innerText(), /^Mean 2 items per working day; natural process limits 0 to 4\.364 /);
    assert.equal(cli.limits.upper.toFixed(3), '4.364');
    // The verdict is the CLI's line, and the small-sample warning is shown.
    const verdict = await page.getByTestId('csv-verdict').innerText();
    assert.equal(verdict, cliTable.match(/^Stability: +(.*)$/m)[0].replace(/ +/, ' '));
    assert.equal(verdict, 'Stability: stable: every sample is inside the process limits');
    assert.equal(cli.stability, 'stable');
    assert.match(await page.getByTestId('csv-few').innerText(), /^Only 10 sample\(s\): .* 82% of the time/);
    assert.ok(
      (await page.getByTestId('csv-warning').allInnerTexts()).some((w) => /only 10 sample\(s\)/.test(w)),
    );
    await screenshot(page, 'throughput-csv');

    // Use it for team search: the plan's line is the CLI's, the team's chart and fan follow.
    await page.getByTestId('throughput-apply').click();
    await page.waitForFunction(
      (line) => document.querySelector('#plan-source').value.includes(line),
      cli.plan_line,
    );
    await page.locator('[data-testid=valid]').waitFor();
    const text = await page.locator('#plan-source').inputValue();
    assert.match(text, /\[teams\.search\]\ncapacity = 2\nthroughput = \{ per = "day", samples = \[2, 1, 3, 2, 2, 1, 2, 3, 2, 2\] \}/);
    await page.waitForFunction(() =>
      /^10 samples, items per working day, mean 2: stable/.test(
        document.querySelector('[data-testid=team-throughput-verdict]')?.textContent ?? '',
      ),
    );
    assert.match(await page.getByTestId('team-throughput-few').innerText(), /^Only 10 sample\(s\)/);
    // The burn-up fan of its item-sized tasks: ranking 21.5 x 1.15 + facets 12 = 36.725, 37.
    await page.locator('[data-testid=burn-up] svg').waitFor();
    assert.equal(await page.getByTestId('burn-up-items').getAttribute('placeholder'), '37');
    const fan = page.locator('[data-testid=burn-up] svg');
    assert.equal(await fan.locator('polyline.p50, polyline.p85, polyline.p95, line.goal').count(), 4);
    assert.match(await page.getByTestId('burn-up-summary').innerText(), /^37 items from Mon 2027-03-01: done by /);
    // At 2 items every working day but some, 37 items take at least 19 working days.
    const summary = await page.getByTestId('burn-up-summary').innerText();
    const p50 = summary.match(/done by \w+ (\d{4}-\d{2}-\d{2}) \(50% likely\)/)[1];
    assert.ok(p50 >= '2027-03-25', summary);
    // A count typed in redraws it.
    await page.getByTestId('burn-up-items').fill('4');
    await page.getByTestId('burn-up-items').dispatchEvent('change');
    await page.waitForFunction(() =>
      /^4 items from Mon 2027-03-01/.test(document.querySelector('[data-testid=burn-up-summary]').textContent),
    );
    await screenshot(page, 'throughput-team');

    // The release forecast changed, and is again exactly the CLI's for the new text.
    const afterShown = await simulateShown(page);
    assert.deepEqual(afterShown, await simulateOfCli(text, 'throughput-applied'));
    assert.notEqual(afterShown.p80, before.p80);
    assert.notEqual(afterShown.releases[0].onTime, before.releases[0].onTime);
    assert.ok(afterShown.p50 > before.p50, 'a slower team: a later P50');

    // The Edit tables: item-sized tasks show their items and split, no estimate; editable.
    await page.getByTestId('tab-edit').click();
    const estimate = page.getByLabel('Estimate of task facets', { exact: true });
    assert.equal(await estimate.inputValue(), '');
    assert.ok(await estimate.isDisabled());
    assert.equal(await page.getByLabel('Items of task ranking', { exact: true }).inputValue(), '18/25');
    assert.equal(await page.getByLabel('Split of task ranking', { exact: true }).inputValue(), '1/1.3');
    assert.equal(await page.getByLabel('Items of task facets', { exact: true }).inputValue(), '12');
    const items = page.getByLabel('Items of task facets', { exact: true });
    await items.fill('20/30');
    await items.dispatchEvent('change');
    await page.waitForFunction(() =>
      /id = "facets"\n(?:(?!\[\[)[^])*items = \{ low = 20, high = 30 \}/.test(document.querySelector('#plan-source').value),
    );
    // A task estimated in days becomes item-sized by giving it items.
    const ui = page.getByLabel('Items of task ui', { exact: true });
    await ui.fill('5');
    await ui.dispatchEvent('change');
    const row = page.locator('tr[data-task=ui]');
    await row.getByTestId('edit-error').filter({ hasText: /has no `throughput`/ }).waitFor();
    assert.equal(await page.getByLabel('Estimate of task ui', { exact: true }).inputValue(), '5/7/12');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
