// The Compare and Scenarios tabs in Debian's Chromium: save a version of the example plan,
// re-estimate a task in the editing tables, compare with the saved version, and find on the
// page the change and exactly the numbers and reasons `shipdate diff OLD NEW` gives for the
// same two plan texts, seed and iterations; saved versions survive a reload and can be
// deleted without touching the plan; the scenarios view equals `shipdate compare`.
//
// The CLI is the real one (`cargo run --bin shipdate`, or SHIPDATE_BIN).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, screenshot, shipdate, ROOT, RESULTS, setPlan } from './harness.mjs';

const ITERATIONS = 2000;
const SEED = 7;

let server;
let browser;
let example;
let scenarios;

before(async () => {
  example = await readFile(join(ROOT, 'examples', 'checkout.toml'), 'utf8');
  scenarios = await readFile(join(ROOT, 'examples', 'scenarios.toml'), 'utf8');
  await mkdir(RESULTS, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.locator('#plan-source').waitFor();
  return { context, page, errors };
}

/** Replaces the plan's text as one edit. */

const versionRows = (page) => page.locator('[data-testid=versions] tbody tr');

describe('compare and scenarios in Chromium', () => {
  test('save a version, edit an estimate, compare: the change and the attribution of `shipdate diff`', async () => {
    const { context, page, errors } = await open();
    assert.equal(await page.locator('#plan-source').inputValue(), example);

    // Save the example as a version, with a label.
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('versions-empty').waitFor();
    await page.getByTestId('version-label').fill('before the estimate');
    await page.getByTestId('save-version').click();
    await versionRows(page).first().waitFor();
    assert.equal(await versionRows(page).count(), 1);
    assert.equal(await versionRows(page).locator('th').innerText(), 'before the estimate');

    // A second version without a label gets the default one; it can be deleted.
    await page.getByTestId('save-version').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=versions] tbody tr').length === 2);
    const label = await versionRows(page).first().locator('th').innerText();
    assert.match(label, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'the example has no status date: the time');
    await versionRows(page).first().getByTestId('delete-version').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=versions] tbody tr').length === 1);

    // The saved versions survive a reload, and the plan is the user's, untouched.
    await page.reload();
    await page.locator('#plan-source').waitFor();
    await page.getByTestId('tab-compare').click();
    await versionRows(page).first().waitFor();
    assert.equal(await versionRows(page).count(), 1);
    assert.equal(await versionRows(page).locator('th').innerText(), 'before the estimate');
    assert.equal(await page.locator('#plan-source').inputValue(), example);

    // Re-estimate the payments API in the editing tables.
    await page.getByTestId('tab-edit').click();
    const estimate = page.getByLabel('Estimate of task api', { exact: true });
    await estimate.fill('8/10/18');
    await estimate.press('Enter');
    await page.waitForFunction(() =>
      /id = "api"[^[]*estimate = \{ low = 8, likely = 10, high = 18 \}/.test(
        document.querySelector('#plan-source').value,
      ),
    );
    const edited = await page.locator('#plan-source').inputValue();
    // Saving versions never touched the plan kept in the browser.
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('shipdate.plan')).source);
    assert.equal(kept, edited);
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('shipdate.versions')).versions);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].source, example);

    // Compare with the saved version, at the CLI's seed and iterations given here.
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-iterations').fill(String(ITERATIONS));
    await page.getByTestId('compare-seed').fill(String(SEED));
    await versionRows(page).first().getByTestId('compare-version').click();
    assert.match(await page.getByTestId('compare-status').innerText(), /Comparing|^$/);
    await page.waitForFunction(
      ([n, s]) => {
        const r = document.querySelector('[data-testid=diff-result]');
        return r && r.dataset.iterations === String(n) && r.dataset.seed === String(s);
      },
      [ITERATIONS, SEED],
      { timeout: 120_000 },
    );
    await screenshot(page, 'view-compare');

    // The CLI on the same two texts.
    const oldFile = join(RESULTS, 'compare-old.toml');
    const newFile = join(RESULTS, 'compare-new.toml');
    await writeFile(oldFile, example);
    await writeFile(newFile, edited);
    const args = ['diff', oldFile, newFile, '--seed', String(SEED), '-n', String(ITERATIONS)];
    const cli = JSON.parse(shipdate([...args, '--format', 'json']));
    const table = shipdate([...args, '--format', 'table']);

    // The change: one, the API's estimate.
    assert.equal(cli.changes.length, 1);
    const changes = page.locator('[data-testid=diff-changes] tbody tr');
    assert.equal(await changes.count(), 1);
    assert.equal(await changes.locator('[data-col=kind]').innerText(), 'estimate');
    assert.equal(await changes.locator('[data-col=subject]').innerText(), 'api');
    assert.equal(await changes.locator('[data-col=old]').innerText(), cli.changes[0].old);
    assert.equal(await changes.locator('[data-col=new]').innerText(), cli.changes[0].new);
    assert.equal(cli.changes[0].new, '8/10/18');

    // Every release: the engine's numbers, to the bit, and the CLI's P80 dates and odds.
    assert.equal(await page.locator('[data-testid=diff-releases] tbody tr').count(), cli.releases.length);
    let moved = 0;
    for (const r of cli.releases) {
      const row = page.locator(`[data-testid=diff-releases] tr[data-release="${r.id}"]`);
      const value = async (col) => Number(await row.locator(`[data-col=${col}]`).getAttribute('data-value'));
      const text = (col) => row.locator(`[data-col=${col}]`).innerText();
      assert.equal(await value('p80-old'), r.old.p80, r.id);
      assert.equal(await value('p80-new'), r.new.p80, r.id);
      assert.equal(await value('move'), r.p80_change, r.id);
      assert.equal(await text('p80-old'), r.old.p80_date, r.id);
      assert.equal(await text('p80-new'), r.new.p80_date, r.id);
      assert.equal(await text('p50-old'), r.old.p50_date, r.id);
      assert.equal(await text('p50-new'), r.new.p50_date, r.id);
      if (r.old.on_time_probability !== undefined) {
        assert.equal(await value('on-time-old'), r.old.on_time_probability, r.id);
        assert.equal(await value('on-time-new'), r.new.on_time_probability, r.id);
      }
      // The attribution: a part per change that moved it, each the CLI's number; the parts
      // add up to the move.
      const parts = page.locator(`[data-testid=diff-why] > li[data-release="${r.id}"] li[data-change]`);
      assert.equal(await parts.count(), r.attribution.length, r.id);
      let sum = 0;
      for (const p of r.attribution) {
        const li = page.locator(`[data-testid=diff-why] > li[data-release="${r.id}"] li[data-change="${p.change}"]`);
        assert.equal(Number(await li.getAttribute('data-value')), p.p80_change, r.id);
        assert.match(await li.innerText(), /#1 estimate api: 6\/8\/14 -> 8\/10\/18/);
        sum += p.p80_change;
      }
      assert.equal(sum, r.p80_change, r.id);
      if (r.p80_change !== 0) moved += 1;
    }
    assert.ok(moved > 0, 'the re-estimate moves a release');

    // The table's rows and reasons read as the CLI's, as formatted.
    for (const r of cli.releases) {
      const line = table.split('\n').find((l) => l.startsWith(`${r.id} `));
      const cells = line.trim().split(/\s+/);
      const row = page.locator(`[data-testid=diff-releases] tr[data-release="${r.id}"]`);
      const shown = await Promise.all(
        ['p80-old', 'p80-new', 'move', 'on-time-old', 'on-time-new'].map((c) =>
          row.locator(`[data-col=${c}]`).innerText(),
        ),
      );
      assert.deepEqual([r.id, ...shown], cells, line);
    }
    const why = table
      .split('\n')
      .filter((l) => /^ {2}\S+: /.test(l))
      .map((l) => l.trim());
    const shownWhy = (await page.getByTestId('why-line').allInnerTexts()).map((l) => l.trim());
    assert.deepEqual(shownWhy, why);
    assert.ok(why.some((l) => l.includes('#1 estimate api: 6/8/14 -> 8/10/18 (+')), why.join('\n'));

    // An opened file as the old version gives the same comparison.
    await page.getByTestId('compare-file').setInputFiles(oldFile);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=diff-summary]')?.textContent.startsWith('compare-old.toml'),
    );
    assert.deepEqual((await page.getByTestId('why-line').allInnerTexts()).map((l) => l.trim()), why);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the scenarios view shows what `shipdate compare` shows for examples/scenarios.toml', async () => {
    const { context, page, errors } = await open();
    await setPlan(page, scenarios);
    await page.locator('[data-testid=valid]').waitFor();
    await page.getByTestId('tab-scenarios').click();
    await page.getByTestId('scenarios-iterations').fill(String(ITERATIONS));
    await page.getByTestId('scenarios-seed').fill(String(SEED));
    await page.getByTestId('scenarios-run').click();
    await page.waitForFunction(
      ([n, s]) => {
        const t = document.querySelector('[data-testid=scenarios-table]');
        return t && t.dataset.iterations === String(n) && t.dataset.seed === String(s);
      },
      [ITERATIONS, SEED],
      { timeout: 120_000 },
    );
    await screenshot(page, 'view-scenarios');

    const file = join(RESULTS, 'scenarios.toml');
    await writeFile(file, scenarios);
    const args = ['compare', file, '--seed', String(SEED), '-n', String(ITERATIONS)];
    const cli = JSON.parse(shipdate([...args, '--format', 'json']));
    const md = shipdate([...args, '--format', 'markdown']);

    const variants = [cli.base, ...cli.scenarios.map((s) => s.result)];
    const heads = await page.locator('[data-testid=scenarios-table] thead th[data-variant]').allInnerTexts();
    assert.deepEqual(heads, ['base', ...cli.scenarios.map((s) => s.id)]);
    assert.ok(cli.scenarios.length >= 2);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| release') && !l.startsWith('| ---'));
    assert.equal(rows.length, cli.base.releases.length);
    for (const [i, r] of cli.base.releases.entries()) {
      const row = page.locator(`[data-testid=scenarios-table] tr[data-release="${r.id}"]`);
      const cells = (await row.locator('th, td').allInnerTexts()).map((c) => c.trim());
      const want = rows[i].split('|').slice(1, -1).map((c) => c.trim());
      assert.deepEqual(cells, want, r.id);
      // The on-time odds to the bit, per variant.
      for (const [k, sim] of variants.entries()) {
        const rr = sim.releases.find((x) => x.id === r.id);
        const td = row.locator(`td[data-variant="${k}"][data-col=on-time]`);
        assert.equal(Number(await td.getAttribute('data-value')), rr.on_time_probability, `${r.id} ${k}`);
        assert.equal(await row.locator(`td[data-variant="${k}"][data-col=p80]`).innerText(), rr.deploy_date.p80 ?? 'unscheduled');
      }
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
