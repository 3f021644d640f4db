// The planner in Debian's Chromium: opens with the example, edits move the schedule, errors
// show with their line and keep the last schedule dimmed, the plan survives a reload and a
// damaged saved value, plan text is never run as HTML, and nothing logs an error.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, screenshot, SMALL, ROOT } from './harness.mjs';

let server;
let browser;
let example;

before(async () => {
  example = await readFile(join(ROOT, 'examples', 'checkout.toml'), 'utf8');
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser context (empty localStorage) with the planner loaded. */
async function open() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.locator('#plan-source').waitFor();
  return { context, page, errors };
}

const text = (page, sel) => page.locator(sel).first().innerText();
const cell = (page, task, col) =>
  page.locator(`tr[data-task="${task}"] td[data-col="${col}"]`).innerText();

async function taskRows(page) {
  return page.locator('[data-testid=task-row]').evaluateAll((rows) =>
    rows.map((r) => ({
      id: r.dataset.task,
      start: r.querySelector('[data-col=start]').textContent,
      finish: r.querySelector('[data-col=finish]').textContent,
      slack: r.querySelector('[data-col=slack]').textContent,
      critical: r.classList.contains('critical'),
    })),
  );
}

describe('planner in Chromium', () => {
  test('opens with the example plan and shows its schedule', async () => {
    const { context, page, errors } = await open();
    assert.equal(await page.locator('#plan-source').inputValue(), example);
    await page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(
      await page.locator('[data-testid=task-row]').count(),
      example.split('[[tasks]]').length - 1,
    );
    assert.equal(
      await page.locator('[data-testid=release-row]').count(),
      example.split('[[releases]]').length - 1,
    );
    const name = example.match(/^name = "(.*)"$/m)[1];
    assert.equal(await text(page, '[data-testid=plan-name]'), name);
    assert.equal(await text(page, '[data-testid=valid]'), 'The plan is valid.');
    assert.match(await text(page, '[data-testid=finish]'), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(await page.getByLabel('Plan (TOML)').count(), 1);
    await screenshot(page, 'planner-example');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('editing an estimate in the example moves the schedule', async () => {
    const { context, page, errors } = await open();
    await page.locator('[data-testid=task-row]').first().waitFor();
    // The first critical task whose block has a one-line `estimate = ...`.
    const rows = await taskRows(page);
    const blocks = example.split('[[tasks]]').slice(1);
    const target = rows.find(
      (r) => r.critical && blocks.some((b) => b.includes(`id = "${r.id}"`) && /^estimate = .*$/m.test(b)),
    );
    assert.ok(target, 'a critical task with an estimate');
    const block = blocks.find((b) => b.includes(`id = "${target.id}"`));
    const edited = example.replace(block, block.replace(/^estimate = .*$/m, 'estimate = 80'));
    const finishBefore = await text(page, '[data-testid=finish]');
    await page.locator('#plan-source').fill(edited);
    await page.waitForFunction(
      ([id, before]) =>
        document.querySelector(`tr[data-task="${id}"] td[data-col=finish]`)?.textContent !== before,
      [target.id, target.finish],
    );
    assert.equal(await cell(page, target.id, 'duration'), '80');
    const finishAfter = await text(page, '[data-testid=finish]');
    assert.ok(finishAfter > finishBefore, `${finishAfter} after ${finishBefore}`);
    await screenshot(page, 'planner-edited');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('errors show their line, keep the last schedule dimmed, and a fix brings it back', async () => {
    const { context, page, errors } = await open();
    const editor = page.locator('#plan-source');
    await editor.fill(SMALL);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-row]').length === 3);
    assert.deepEqual(await taskRows(page), [
      { id: 'a', start: '0', finish: '3', slack: '0', critical: true },
      { id: 'b', start: '3', finish: '5', slack: '2', critical: false },
      { id: 'c', start: '3', finish: '7', slack: '0', critical: true },
    ]);
    assert.equal(await text(page, '[data-testid=makespan]'), '7');

    // Typed, key by key, like a user: a's estimate 3 -> 5 moves c to [5, 9).
    await editor.click();
    const at = SMALL.indexOf('estimate = 3') + 'estimate = 3'.length;
    await editor.evaluate((el, at) => el.setSelectionRange(at, at), at);
    await page.keyboard.press('Backspace');
    await page.keyboard.type('5');
    await page.waitForFunction(() => document.querySelector('[data-testid=makespan]').textContent === '9');
    assert.equal(await cell(page, 'c', 'finish'), '9');
    assert.equal(await cell(page, 'a', 'finish'), '5');

    // A syntax error on line 15: listed with its line, gutter marked, schedule kept but stale.
    const fixed = SMALL.replace('estimate = 3', 'estimate = 5');
    await editor.fill(fixed.replace('estimate = 2', 'estimate = '));
    const diag = page.locator('[data-testid=diagnostic]').first();
    await diag.waitFor();
    assert.equal(await diag.getAttribute('data-line'), '15');
    assert.match(await diag.innerText(), /^line 15, column \d+: /);
    assert.match(await page.locator('.gutter-line[data-line="15"]').getAttribute('class'), /error/);
    assert.equal(await page.locator('#schedule').getAttribute('data-stale'), 'true');
    await page.locator('[data-testid=stale-note]').waitFor();
    assert.equal(await text(page, '[data-testid=makespan]'), '9');
    await screenshot(page, 'planner-error');

    // An unknown task with a near miss, on line 20; picking it selects that line.
    await editor.fill(fixed.replace('after = ["a"]', 'after = ["aa"]'));
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=diagnostic]')?.dataset.line === '20',
    );
    const msg = await page.locator('[data-testid=diagnostic]').first().innerText();
    assert.match(msg, /^line 20, column \d+: .*aa/);
    await page.locator('[data-testid=diagnostic] button').first().click();
    const sel = await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.equal(sel, 'after = ["aa"]');

    // Fixed: valid again, fresh schedule.
    await editor.fill(fixed);
    await page.locator('[data-testid=valid]').waitFor();
    assert.equal(await page.locator('#schedule').getAttribute('data-stale'), 'false');
    assert.equal(await page.locator('[data-testid=stale-note]').count(), 0);
    assert.equal(await text(page, '[data-testid=makespan]'), '9');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the plan is kept across a reload', async () => {
    const { context, page, errors } = await open();
    const mine = SMALL.replace('name = "small"', 'name = "kept"');
    await page.locator('#plan-source').fill(mine);
    await page.waitForFunction(() => document.querySelector('[data-testid=plan-name]').textContent === 'kept');
    await page.reload();
    await page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(await page.locator('#plan-source').inputValue(), mine);
    assert.equal(await text(page, '[data-testid=plan-name]'), 'kept');
    assert.equal(await text(page, '[data-testid=makespan]'), '7');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a damaged saved plan is reported, kept aside, and does not crash the app', async () => {
    const { context, page, errors } = await open();
    await page.evaluate(() => localStorage.setItem('shipdate.plan', '{"version": 1, "sour'));
    await page.reload();
    await page.locator('[data-testid=notice]').waitFor();
    assert.match(await text(page, '[data-testid=notice]'), /could not be restored/);
    assert.equal(await page.locator('#plan-source').inputValue(), example);
    await page.locator('[data-testid=task-row]').first().waitFor();
    assert.equal(
      await page.evaluate(() => localStorage.getItem('shipdate.plan.damaged')),
      '{"version": 1, "sour',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('plan text is shown as text, never run as HTML', async () => {
    const { context, page, errors } = await open();
    const evil = '<img src=x onerror=alert(1)>';
    await page
      .locator('#plan-source')
      .fill(SMALL.replace('id = "b"', `id = "b"\nname = "${evil}"`).replace('name = "small"', `name = "${evil}"`));
    await page.waitForFunction(
      (evil) => document.querySelector('tr[data-task="b"] td[data-col=name]')?.textContent === evil,
      evil,
    );
    assert.equal(await text(page, '[data-testid=plan-name]'), evil);
    assert.equal(await page.locator('#schedule img, header img').count(), 0);
    // And in an error message quoting it.
    await page.locator('#plan-source').fill(SMALL.replace('after = ["a"]', `after = ["${evil}"]`));
    await page.locator('[data-testid=diagnostic]').first().waitFor();
    assert.equal(await page.locator('[data-testid=diagnostics] img').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
