// history.test.mjs: the history panel in real Chromium: checkpoints, blame tints, download, restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

const cast = twoPeople();

const synced = (page) => page.evaluate(() => window.pairpad.session.state === 'synced' && window.pairpad.session.unsent === 0);
const text = (page) => page.evaluate(() => window.pairpad.getText());

/* A private room: its REST calls need the page's token, as its WebSocket does. */
async function privateRoom() {
  const base = cast.daemon.base;
  const created = await (await fetch(`${base}/api/v1/rooms`, {
    method: 'POST', body: JSON.stringify({ language: 'javascript', title: 'greeting' }),
  })).json();
  const owner = { Authorization: `Bearer ${created.owner_key}` };
  await fetch(`${base}/api/v1/rooms/${created.id}/access`, {
    method: 'PATCH', headers: owner, body: JSON.stringify({ access: 'restricted' }),
  });
  await fetch(`${base}/api/v1/rooms/${created.id}/links/edit`, { method: 'POST', headers: owner });
  const access = await (await fetch(`${base}/api/v1/rooms/${created.id}/links/view`, { method: 'POST', headers: owner })).json();
  return { id: created.id, ownerKey: created.owner_key, links: access.links };
}

async function openRoom(context, url, setup = null) {
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && page.consoleErrors.push(message.text()));
  if (setup !== null) {
    await page.goto(`${cast.daemon.base}/`);
    await page.evaluate(setup.fn, setup.arg);
  }
  await page.goto(url);
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  return page;
}

test('Alice saves a checkpoint, clears the room, finds her text in the history and restores it', async () => {
  const room = await privateRoom();
  const base = cast.daemon.base;
  /* Names and colors of their own, so that the tints tell them apart. */
  const a = await openRoom(cast.alice, `${base}/r/${room.id}`, {
    fn: ([id, key]) => {
      localStorage.setItem(`pairpad.owner.${id}`, key);
      localStorage.setItem('pairpad.identity', JSON.stringify({ name: 'Alice', color: '#3e63dd' }));
    },
    arg: [room.id, room.ownerKey],
  });
  const b = await openRoom(cast.bob, `${base}/r/${room.id}#token=${room.links.edit}`, {
    fn: () => localStorage.setItem('pairpad.identity', JSON.stringify({ name: 'Bob', color: '#f76b15' })),
    arg: null,
  });

  await a.click('.monaco-editor .view-lines');
  await a.keyboard.type('let answer = 42\nlet mood = 🙂\n');
  await waitFor(async () => (await text(b)).includes('mood = 🙂'), { timeout: 30000, what: "Alice's text in Bob's page" });
  await b.click('.monaco-editor .view-lines');
  await b.evaluate(() => window.pairpad.setCaretCodePoint([...window.pairpad.getText()].length));
  await b.keyboard.type('// Bob was here');
  /* Whatever Monaco's indentation made of it, as long as both pages agree. */
  let written = '';
  await waitFor(async () => {
    written = await text(a);
    return (await synced(a)) && (await synced(b)) && written.includes('Bob was here') && (await text(b)) === written;
  }, { timeout: 30000, what: 'both texts to reach the room' });
  const checkpointV = await a.evaluate(() => window.pairpad.session.version);

  /* A checkpoint names the room's current version. */
  await a.click('.history-button');
  await a.waitForSelector('.history-panel:not([hidden])');
  await waitFor(async () => (await a.evaluate(() => window.pairpad.historyVersion())) === checkpointV,
                { what: 'the panel to show the current version' });
  await a.click('.history-save');
  await a.fill('#checkpoint-name', 'Before cleanup');
  await a.click('.history-name-form button[type="submit"]');
  await a.waitForSelector('.history-checkpoint:has-text("Before cleanup")');
  await a.click('.history-panel .icon-button[aria-label="Close history"]');

  /* Everything goes. */
  await a.click('.editor-host .monaco-editor .view-lines');
  await a.keyboard.press('Control+A');
  await a.keyboard.press('Backspace');
  await waitFor(async () => (await synced(a)) && (await text(a)) === '' && (await text(b)) === '',
                { timeout: 30000, what: 'the room to be empty' });

  /* The history still has it, tinted in Alice's color. */
  await a.evaluate(() => window.pairpad.openHistory());
  await a.waitForSelector('.history-tick');
  await a.click('.history-checkpoint:has-text("Before cleanup")');
  await waitFor(async () => (await a.evaluate(() => window.pairpad.historyVersion())) === checkpointV,
                { what: 'the panel to show the checkpoint' });
  assert.equal(await a.evaluate(() => window.pairpad.historyText()), written);
  assert.match(await a.locator('.history-version').innerText(), /Before cleanup/);
  const color = await a.evaluate(() => window.pairpad.session.color);
  const tint = `.history-panel .pp-tint-${color.slice(1).toLowerCase()}`;
  await a.waitForSelector(tint, { timeout: 10000 });
  const bobColor = await b.evaluate(() => window.pairpad.session.color);
  await a.waitForSelector(`.history-panel .pp-tint-${bobColor.slice(1).toLowerCase()}`, { timeout: 10000 });
  const aliceName = await a.evaluate(() => window.pairpad.session.name);
  assert.match(await a.locator('.history-legend').innerText(), new RegExp(aliceName));
  await a.screenshot({ path: screenshotPath('history-panel.png') });

  /* The diff against now shows the deleted text. */
  await a.click('.history-diff');
  await a.waitForSelector('.history-panel .monaco-diff-editor', { timeout: 10000 });
  await a.click('.history-diff');

  /* Download: fetched with the token, saved from a Blob. */
  const [download] = await Promise.all([a.waitForEvent('download'), a.click('.history-download')]);
  assert.equal(download.suggestedFilename(), 'greeting.js');
  assert.equal(readFileSync(await download.path(), 'utf8'), written);

  /* Restore, after confirming: Bob gets it live. */
  await a.click('.history-restore');
  await a.click('.history-confirm');
  await waitFor(async () => (await text(b)) === written && (await text(a)) === written,
                { timeout: 30000, what: "the restored text in Bob's and Alice's pages" });
  assert.equal((await (await fetch(`${base}/api/v1/rooms/${room.id}/text`, {
    headers: { Authorization: `Bearer ${room.ownerKey}` },
  })).json()).text, written);
  await waitFor(async () => (await a.locator('.history-message').innerText()).includes('Restored version'),
                { what: 'the restore to be reported' });

  /* A viewer can look through the history, but neither restore nor name versions. */
  const viewer = await openRoom(cast.bob, `${base}/r/${room.id}#token=${room.links.view}`);
  await viewer.evaluate(() => window.pairpad.openHistory());
  await viewer.waitForSelector('.history-checkpoint:has-text("Before cleanup")');
  await viewer.click('.history-checkpoint:has-text("Before cleanup")');
  await waitFor(async () => (await viewer.evaluate(() => window.pairpad.historyText())) === written,
                { what: "the viewer's panel to show the checkpoint" });
  assert.equal(await viewer.locator('.history-restore').isDisabled(), true);
  assert.equal(await viewer.locator('.history-save').isDisabled(), true);

  for (const page of [a, b, viewer])
    assert.deepEqual(page.consoleErrors, [], 'no errors in the console');
  await a.close();
  await b.close();
  await viewer.close();
});

test('dragging the slider over every version fetches only a few of them', async () => {
  const id = await cast.daemon.createRoom({ text: '' });
  const a = await openRoom(cast.alice, `${cast.daemon.base}/r/${id}`);
  /* Many small ops: typed characters, composed while an op is in flight. */
  await a.click('.monaco-editor .view-lines');
  for (let i = 0; i < 20; i++)
    await a.keyboard.type('x'.repeat(100));
  await waitFor(async () => (await synced(a)) && (await a.evaluate(() => window.pairpad.session.version)) >= 20,
                { timeout: 60000, what: 'the typing to be stored' });
  const top = await a.evaluate(() => window.pairpad.session.version);

  await a.evaluate(() => window.pairpad.openHistory());
  await waitFor(async () => (await a.evaluate(() => window.pairpad.historyVersion())) === top,
                { what: 'the current version' });
  const requests = [];
  a.on('request', (r) => r.url().includes('/text?v=') && requests.push(r.url()));
  /* Every version, one input event each, as a dragged slider sends them. */
  await a.evaluate(async (max) => {
    const slider = document.querySelector('#history-version');
    for (let v = max; v >= 0; v--) {
      slider.value = String(v);
      slider.dispatchEvent(new Event('input'));
      if (v % 50 === 0)
        await new Promise((resolve) => setTimeout(resolve, 16));
    }
  }, top);
  await waitFor(async () => (await a.evaluate(() => window.pairpad.historyVersion())) === 0,
                { what: 'the panel to settle on version 0' });
  assert.equal(await a.evaluate(() => window.pairpad.historyText()), '');
  assert.ok(requests.length < 20, `${requests.length} texts fetched for ${top} versions`);
  await a.close();
});
