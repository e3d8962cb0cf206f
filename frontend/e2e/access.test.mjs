// access.test.mjs: the owner's share controls, view-only pages and share links, in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

const cast = twoPeople();

const joined = (page) => page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null,
                                              { timeout: 30000 });

/* Alice creates a room from the start page, which keeps its owner key. */
async function createAsOwner(text) {
  const page = await cast.alice.newPage();
  await page.goto(`${cast.daemon.base}/`);
  await page.fill('#new-code', text);
  await page.click('button:has-text("Create room")');
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/, { timeout: 15000 });
  await joined(page);
  return { page, id: page.url().split('/r/')[1] };
}

async function openShare(page) {
  await page.click('.share-button');
  await page.waitForSelector('.share-dialog[open] .link-row', { timeout: 15000 });
}

/* Waits until the owner's dialog is done with its last request. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('.share-dialog')?.hasAttribute('aria-busy'));
}

test('a view-only page cannot type, and the owner sees it watching', async () => {
  const { page: owner, id } = await createAsOwner('let shared = 1;\n');
  assert.equal(await owner.locator('.share-button').isVisible(), true, 'the owner has the Share button');

  await openShare(owner);
  await owner.selectOption('#share-access', 'view');
  await settled(owner);
  await owner.screenshot({ path: screenshotPath('share-dialog.png') });
  await owner.click('.share-dialog .dialog-head .icon-button');

  const viewer = await cast.bob.newPage();
  await viewer.goto(`${cast.daemon.base}/r/${id}`);
  await joined(viewer);
  assert.equal(await viewer.evaluate(() => window.pairpad.session.role), 'viewer');
  assert.match(await viewer.locator('.access-bar').innerText(), /View only/);
  assert.equal(await viewer.locator('.share-button').isVisible(), false, 'only the owner has Share');
  assert.equal(await viewer.locator('.title-input').isDisabled(), true);

  /* Typing changes nothing, here or in the room. */
  await viewer.click('.editor-host');
  await viewer.keyboard.type('hacked');
  await viewer.waitForTimeout(500);
  assert.equal(await viewer.evaluate(() => window.pairpad.getText()), 'let shared = 1;\n');
  assert.equal((await cast.daemon.room(id)).text, 'let shared = 1;\n');
  await viewer.screenshot({ path: screenshotPath('view-only.png') });

  await owner.waitForSelector('.people .role:has-text("watching")', { timeout: 15000 });

  /* The owner gives editing back: the open page becomes editable at once. */
  await openShare(owner);
  await owner.selectOption('#share-access', 'edit');
  await settled(owner);
  await viewer.waitForFunction(() => window.pairpad.session.canEdit, null, { timeout: 15000 });
  assert.equal(await viewer.locator('.access-bar').isHidden(), true);
  await viewer.evaluate(() => window.pairpad.setCaretCodePoint(0));
  await viewer.keyboard.type('// ');
  await waitFor(async () => (await cast.daemon.room(id)).text === '// let shared = 1;\n',
                { timeout: 15000, what: "the viewer-turned-editor's edit to reach the room" });

  await owner.close();
  await viewer.close();
});

test("in a private room, the owner's new link disconnects the old one", async () => {
  const { page: owner, id } = await createAsOwner('secret\n');
  await openShare(owner);
  await owner.click('.link-row[data-kind="edit"] button:has-text("Create link")');
  await settled(owner);
  await owner.selectOption('#share-access', 'restricted');
  await settled(owner);
  const oldLink = await owner.inputValue('.link-row[data-kind="edit"] .link-url');
  assert.match(oldLink, new RegExp(`/r/${id}#token=[A-Za-z0-9_-]{22,}$`));

  /* The bare room link no longer opens it. */
  const outsider = await cast.bob.newPage();
  await outsider.goto(`${cast.daemon.base}/r/${id}`);
  await outsider.waitForSelector('.not-found h1:has-text("You cannot open this room")', { timeout: 15000 });
  assert.match(await outsider.locator('.not-found p[data-reason]').innerText(), /share link/);
  await outsider.close();

  /* The edit link does, and its holder edits. */
  const holder = await cast.bob.newPage();
  await holder.goto(oldLink);
  await joined(holder);
  assert.equal(await holder.evaluate(() => window.pairpad.session.role), 'editor');
  await holder.evaluate(() => window.pairpad.setCaretCodePoint(0));
  await holder.keyboard.type('top ');
  await waitFor(async () => (await (await fetch(`${cast.daemon.base}/api/v1/rooms/${id}`, {
    headers: { Authorization: `Bearer ${oldLink.split('#token=')[1]}` },
  })).json()).text === 'top secret\n', { timeout: 15000, what: "the link holder's edit" });

  /* A new link: the holder of the old one is out at once, with a reason. */
  await owner.click('.link-row[data-kind="edit"] button:has-text("New link")');
  await settled(owner);
  const newLink = await owner.inputValue('.link-row[data-kind="edit"] .link-url');
  assert.notEqual(newLink, oldLink);
  await holder.waitForSelector('.not-found h1:has-text("You cannot open this room")', { timeout: 20000 });
  assert.match(await holder.locator('.not-found p[data-reason]').innerText(), /no longer works/);
  await holder.screenshot({ path: screenshotPath('link-revoked.png') });
  await holder.close();

  const again = await cast.bob.newPage();
  await again.goto(newLink);
  await joined(again);
  assert.equal(await again.evaluate(() => window.pairpad.getText()), 'top secret\n');
  await again.close();
  await owner.close();
});

test('the owner locks the room for everyone, then deletes it', async () => {
  const { page: owner, id } = await createAsOwner('final\n');
  const guest = await cast.bob.newPage();
  await guest.goto(`${cast.daemon.base}/r/${id}`);
  await joined(guest);

  await openShare(owner);
  await owner.check('#share-lock');
  await settled(owner);
  await guest.waitForFunction(() => window.pairpad.session.locked, null, { timeout: 15000 });
  assert.match(await guest.locator('.access-bar').innerText(), /locked/);
  assert.match(await owner.locator('.access-bar').innerText(), /You locked this room/);

  await owner.click('.share-dialog button:has-text("Delete room…")');
  await owner.click('.share-dialog button.danger:has-text("Delete room")');
  await owner.waitForURL(`${cast.daemon.base}/`, { timeout: 15000 });
  await guest.waitForSelector('.not-found h1:has-text("This room does not exist")', { timeout: 15000 });
  const gone = await fetch(`${cast.daemon.base}/api/v1/rooms/${id}`);
  assert.equal(gone.status, 404);
  await guest.close();
  await owner.close();
});
