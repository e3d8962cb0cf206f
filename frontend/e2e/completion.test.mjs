// completion.test.mjs: the daemon's built-in suggestions while typing, in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

const cast = twoPeople();

async function openRoom(context, id) {
  const page = await context.newPage();
  await page.goto(`${cast.daemon.base}/r/${id}`);
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  return page;
}

test('typing the start of a name offers it; Tab takes it, and the other page sees it', async () => {
  const id = await cast.daemon.createRoom({ language: 'python', text: 'total_count = 0\n' });
  const alice = await openRoom(cast.alice, id);
  const bob = await openRoom(cast.bob, id);

  await alice.evaluate(() => window.pairpad.setCaretCodePoint(16));
  await alice.keyboard.type('tot');
  const widget = alice.locator('.suggest-widget .monaco-list-row', { hasText: 'total_count' });
  await widget.first().waitFor({ state: 'visible', timeout: 15000 });
  await alice.screenshot({ path: screenshotPath('completion.png') });
  await alice.keyboard.press('Tab');

  const expected = 'total_count = 0\ntotal_count';
  await waitFor(async () => (await alice.evaluate(() => window.pairpad.getText())) === expected,
                { timeout: 15000, what: 'the suggestion in Alice\'s text' });
  await waitFor(async () => (await bob.evaluate(() => window.pairpad.getText())) === expected,
                { timeout: 15000, what: 'the accepted suggestion in Bob\'s page' });
  assert.equal((await cast.daemon.room(id)).text, expected);

  /* Escape dismisses without changing anything. */
  await alice.keyboard.type(' + tot');
  await widget.first().waitFor({ state: 'visible', timeout: 15000 });
  await alice.keyboard.press('Escape');
  await alice.locator('.suggest-widget.visible').waitFor({ state: 'hidden', timeout: 5000 });
  await waitFor(async () => (await cast.daemon.room(id)).text === `${expected} + tot`,
                { timeout: 15000, what: 'the typed text, nothing more' });

  await alice.close();
  await bob.close();
});
