// room.test.mjs: two people in real headless Chromium, one real pairpadd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

const cast = twoPeople();

// Opens a room page and waits until its editor has joined. Every request
// the page makes is recorded, to prove none leaves the daemon's origin.
async function openRoom(context, id) {
  const page = await context.newPage();
  page.requests = [];
  page.on('request', (request) => page.requests.push(request.url()));
  page.consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && page.consoleErrors.push(message.text()));
  await page.goto(`${cast.daemon.base}/r/${id}`);
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  return page;
}

const text = (page) => page.evaluate(() => window.pairpad.getText());
const synced = (page) => page.evaluate(() => window.pairpad.session.state === 'synced' && window.pairpad.session.unsent === 0);

async function converge(pages, id) {
  let rest;
  await waitFor(async () => {
    rest = await cast.daemon.room(id);
    for (const page of pages) {
      if (!(await synced(page)) || (await text(page)) !== rest.text) return false;
    }
    return true;
  }, { timeout: 30000, what: 'all pages to show the daemon text' });
  return rest.text;
}

async function typeAt(page, cp, chars) {
  await page.evaluate((c) => window.pairpad.setCaretCodePoint(c), cp);
  await page.keyboard.type(chars);
}

test('two people type concurrently at random places, emoji included, and converge', async () => {
  const id = await cast.daemon.createRoom({ text: 'function hello () {\n  return 42;\n}\n' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.click('.monaco-editor .view-lines');
  await b.click('.monaco-editor .view-lines');

  const samples = ['a', 'b', 'é', '🙂', ' ', '\n', 'z', '中', 'x'];
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await Promise.all([a, b].map(async (page) => {
      const length = await page.evaluate(() => [...window.pairpad.getText()].length);
      await typeAt(page, random(length + 1), samples[random(samples.length)]);
    }));
  }

  const final = await converge([a, b], id);
  assert.ok([...final].length > 40, 'both people typed');
  assert.ok(final.includes('🙂') || final.includes('中') || final.includes('é'));

  await a.screenshot({ path: screenshotPath('room-two-people.png') });
  for (const page of [a, b]) {
    const foreign = page.requests.filter((url) => !url.startsWith(cast.daemon.base) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(foreign, [], 'no request outside the daemon origin');
  }
  await a.close();
  await b.close();
});

test("Alice's caret shows in Bob's editor at the right place, with her name", async () => {
  const id = await cast.daemon.createRoom({ text: 'line one 🙂\nline two\n' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  const aliceName = await a.evaluate(() => window.pairpad.session.name);

  await a.click('.monaco-editor .view-lines');
  await a.evaluate(() => window.pairpad.setCaretCodePoint(11));
  await waitFor(async () => {
    const carets = await b.evaluate(() => window.pairpad.getRemoteCarets());
    return carets.some((c) => c.name === aliceName && c.caret === 11);
  }, { what: "Alice's caret at 11 in Bob's page" });

  // Bob types before her caret: it moves with the text.
  await b.click('.monaco-editor .view-lines');
  await typeAt(b, 0, '>> ');
  await waitFor(async () => {
    const carets = await b.evaluate(() => window.pairpad.getRemoteCarets());
    return carets.some((c) => c.name === aliceName && c.caret === 14);
  }, { what: "Alice's caret to move to 14" });
  const label = await b.locator(`text=${aliceName}`).count();
  assert.ok(label > 0, "Alice's name is shown in Bob's page");
  await b.screenshot({ path: screenshotPath('room-remote-caret.png') });
  await a.close();
  await b.close();
});

test("Bob follows Alice: his view moves when she jumps far down", async () => {
  const long = Array.from({ length: 400 }, (_, i) => `// line ${i + 1}`).join('\n');
  const id = await cast.daemon.createRoom({ text: long });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  const aliceUser = await a.evaluate(() => window.pairpad.session.user);

  await waitFor(async () => (await b.evaluate(() => window.pairpad.getRemoteCarets().length)) > 0, { what: 'Bob to see Alice' });
  await b.evaluate((u) => window.pairpad.follow(u), aliceUser);
  const before = await b.evaluate(() => window.pairpad.editor.getScrollTop());
  await a.click('.monaco-editor .view-lines');
  await a.evaluate(() => {
    window.pairpad.setCaretCodePoint([...window.pairpad.getText()].length - 5);
    window.pairpad.editor.revealLineInCenter(395);
  });
  await waitFor(async () => (await b.evaluate(() => window.pairpad.editor.getScrollTop())) > before + 1000,
    { what: "Bob's view to follow Alice down" });
  // Everyone sees who follows whom: Alice's header says Bob follows her.
  await waitFor(async () => (await a.locator('.people .follows', { hasText: 'follows you' }).count()) > 0,
    { what: 'Alice to see that Bob follows her' });
  await a.screenshot({ path: screenshotPath('room-followed.png') });
  await a.close();
  await b.close();
});

test('undo in Alice\'s page undoes her edit and leaves Bob\'s', async () => {
  const id = await cast.daemon.createRoom({ text: '' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.click('.monaco-editor .view-lines');
  await a.keyboard.type('alice');
  await converge([a, b], id);
  await b.click('.monaco-editor .view-lines');
  await typeAt(b, 0, 'bob ');
  await converge([a, b], id);

  await a.evaluate(() => window.pairpad.undo());
  const final = await converge([a, b], id);
  assert.equal(final, 'bob ');
  await a.close();
  await b.close();
});

test('a language change in Alice\'s page reaches Bob', async () => {
  const id = await cast.daemon.createRoom({ text: 'x = 1\n' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.selectOption('#room-language', 'python');
  await waitFor(async () => (await b.inputValue('#room-language')) === 'python', { what: 'Bob to see python' });
  await waitFor(async () => (await cast.daemon.room(id)).language === 'python', { what: 'the daemon to store python' });
  await a.close();
  await b.close();
});

test('edits made while the daemon is gone are kept and merged when it is back', async () => {
  const id = await cast.daemon.createRoom({ text: 'shared\n' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.click('.monaco-editor .view-lines');

  // A real cut: the daemon stops (close 1001) and comes back on the same port.
  assert.equal(await cast.daemon.stop(), 0);
  await waitFor(async () => (await a.evaluate(() => window.pairpad.session.state)) === 'offline', { what: 'Alice offline' });
  await typeAt(a, 0, 'offline edit ');
  const status = await a.evaluate(() => window.pairpad.getStatus());
  assert.match(status, /not sent|Reconnecting|Offline/i);
  await cast.daemon.start();
  const final = await converge([a, b], id);
  assert.equal(final, 'offline edit shared\n');
  await a.close();
  await b.close();
});

test('a room with two people, as the README shows it', async () => {
  const code = [
    '// Pairing kata: run-length encoding 🙂',
    '#include <stdio.h>',
    '#include <string.h>',
    '',
    'static void',
    'encode (const char *text)',
    '{',
    '  size_t n = strlen (text);',
    '',
    '  for (size_t i = 0; i < n;)',
    '    {',
    '      size_t run = 1;',
    '',
    '      while (i + run < n && text[i + run] == text[i])',
    '        run++;',
    '      printf ("%zu%c", run, text[i]);',
    '      i += run;',
    '    }',
    '  putchar (\'\\n\');',
    '}',
    '',
    'int',
    'main (void)',
    '{',
    '  encode ("aaabccdddd");',
    '  return 0;',
    '}',
    '',
  ].join('\n');
  const id = await cast.daemon.createRoom({ language: 'c', title: 'Run-length encoding', text: code });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  const aliceName = await a.evaluate(() => window.pairpad.session.name);
  const lineStart = (line) => [...code.split('\n').slice(0, line - 1).join('\n')].length + 1;

  // Alice selects the loop condition; Bob's caret sits in main.
  await a.click('.monaco-editor .view-lines');
  await a.evaluate(([from, to]) => {
    const m = window.pairpad.editor.getModel();
    window.pairpad.editor.setSelection({ startLineNumber: from, startColumn: 14, endLineNumber: to, endColumn: 54 });
    return m.getLineCount();
  }, [14, 14]);
  await b.click('.monaco-editor .view-lines');
  await b.evaluate((cp) => window.pairpad.setCaretCodePoint(cp), lineStart(25) + 2);
  await waitFor(async () => {
    const carets = await b.evaluate(() => window.pairpad.getRemoteCarets());
    return carets.some((c) => c.name === aliceName && c.caret !== null && c.caret > lineStart(14));
  }, { what: "Alice's selection in Bob's page" });
  await b.waitForTimeout(300);
  await b.screenshot({ path: screenshotPath('readme-room.png') });
  await a.close();
  await b.close();
});

test('a 1 MB paste reaches the other page', async () => {
  const id = await cast.daemon.createRoom({ text: 'start\n' });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.click('.monaco-editor .view-lines');
  await a.evaluate(() => {
    const line = 'const value = "pasted 🙂 line";\n';
    const big = line.repeat(Math.ceil((1024 * 1024) / line.length));
    window.pairpad.setCaretCodePoint(0);
    window.pairpad.editor.trigger('keyboard', 'paste', { text: big });
  });
  const final = await converge([a, b], id);
  assert.ok(final.length >= 1024 * 1024, 'the whole paste arrived');
  assert.ok(final.endsWith('start\n'));
  await a.close();
  await b.close();
});

test('edits made offline survive closing the tab and arrive once', async () => {
  const id = await cast.daemon.createRoom({ text: 'kept\n' });
  const a = await openRoom(cast.alice, id);
  await a.click('.monaco-editor .view-lines');
  assert.equal(await cast.daemon.stop(), 0);
  await waitFor(async () => (await a.evaluate(() => window.pairpad.session.state)) === 'offline', { what: 'offline' });
  await typeAt(a, 0, 'typed offline, ');
  await a.waitForTimeout(400);
  await a.close();

  // Later, with the daemon back: the same browser reopens the link.
  await cast.daemon.start();
  const again = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  const final = await converge([again, b], id);
  assert.equal(final, 'typed offline, kept\n');
  await again.close();
  await b.close();
});

test("remote edits neither move Alice's caret off its place nor scroll her view", async () => {
  const long = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n');
  const id = await cast.daemon.createRoom({ text: long });
  const a = await openRoom(cast.alice, id);
  const b = await openRoom(cast.bob, id);
  await a.click('.monaco-editor .view-lines');
  // Alice reads line 150 with her caret after "line 150".
  const caret = [...long.split('\n').slice(0, 150).join('\n')].length;
  await a.evaluate((cp) => {
    window.pairpad.setCaretCodePoint(cp);
    window.pairpad.editor.revealLineInCenter(150);
  }, caret);
  await a.waitForTimeout(200);
  const scrollBefore = await a.evaluate(() => window.pairpad.editor.getScrollTop());
  const lineBefore = await a.evaluate(() => window.pairpad.editor.getPosition().lineNumber);

  // Bob types at the very top (before her), and at her caret.
  await b.click('.monaco-editor .view-lines');
  await typeAt(b, 0, 'top 🙂 ');
  await converge([a, b], id);
  assert.equal(await a.evaluate(() => window.pairpad.getCaretCodePoint()), caret + 6, 'caret kept its character');
  await typeAt(b, caret + 6, 'XYZ');
  await converge([a, b], id);
  assert.equal(await a.evaluate(() => window.pairpad.getCaretCodePoint()), caret + 6, 'an insert at the caret goes after it');
  assert.equal(await a.evaluate(() => window.pairpad.editor.getPosition().lineNumber), lineBefore);
  const scrollAfter = await a.evaluate(() => window.pairpad.editor.getScrollTop());
  assert.ok(Math.abs(scrollAfter - scrollBefore) < 1, `view did not scroll (${scrollBefore} → ${scrollAfter})`);

  // Lines inserted above her view: she keeps reading the same lines.
  const firstVisible = () => a.evaluate(() => {
    const editor = window.pairpad.editor;
    return editor.getModel().getLineContent(editor.getVisibleRanges()[0].startLineNumber);
  });
  const topLine = await firstVisible();
  await typeAt(b, 0, 'one\ntwo\nthree\n');
  await converge([a, b], id);
  assert.equal(await firstVisible(), topLine, 'the view stays on the same text');
  assert.equal(await a.evaluate(() => window.pairpad.getCaretCodePoint()), caret + 6 + 14);
  await a.close();
  await b.close();
});

test('an unknown room shows a clear page with a way back', async () => {
  const page = await cast.alice.newPage();
  await page.goto(`${cast.daemon.base}/r/AAAAAAAAAAAAAAAAAAAAAA`);
  await page.waitForSelector('.not-found', { timeout: 15000 });
  assert.ok(await page.locator('.not-found a[href="/"]').count() > 0);
  await page.close();
});

test('the start page creates a room and lists it as recent', async () => {
  const page = await cast.alice.newPage();
  await page.goto(`${cast.daemon.base}/`);
  await page.fill('#new-title', 'Kata from the start page');
  await page.selectOption('#new-language', 'python');
  await page.fill('#new-code', 'print("hi 🙂")\n');
  await page.screenshot({ path: screenshotPath('start-page.png') });
  await page.click('button:has-text("Create room")');
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/, { timeout: 15000 });
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  const id = page.url().split('/r/')[1];
  const room = await cast.daemon.room(id);
  assert.equal(room.title, 'Kata from the start page');
  assert.equal(room.language, 'python');
  assert.equal(room.text, 'print("hi 🙂")\n');
  assert.equal(await page.evaluate(() => window.pairpad.getText()), room.text);

  await page.goto(`${cast.daemon.base}/`);
  await page.waitForSelector('.recent-list .recent-title');
  assert.ok((await page.locator('.recent-title', { hasText: 'Kata from the start page' }).count()) > 0);
  await page.close();
});
