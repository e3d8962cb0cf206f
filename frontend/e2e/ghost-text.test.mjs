// ghost-text.test.mjs: a language model's completion as ghost text in real Chromium, from a fake model server.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

/* A tiny OpenAI-compatible server: POST /v1/completions answers with the
 * text `complete(prompt)` gives (nothing is a valid answer the daemon turns
 * into its "empty" fallback), or with 500 while `failing` is set. Every
 * request body is kept. */
const model = {
  server: null,
  requests: [],
  failing: false,
  complete: (prompt) => {
    if (prompt.endsWith('return w'))
      return 'idth * height';
    if (prompt.endsWith('pri'))
      return 'nt(area(3, 4))';
    return '';
  },
};

async function startModel() {
  model.server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/completions') {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(body);
      model.requests.push(request);
      if (model.failing) {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"overloaded"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ choices: [{ text: model.complete(request.prompt) }] }));
    });
  });
  await new Promise((resolve) => model.server.listen(0, '127.0.0.1', resolve));
  return ['--completion-endpoint', `http://127.0.0.1:${model.server.address().port}/`,
    '--completion-model', 'tiny-coder'];
}

const cast = twoPeople(startModel);

after(async () => {
  model.server.closeAllConnections();
  await new Promise((resolve) => model.server.close(resolve));
});

/* Opens the room; `asked` (if given) collects the (v, position) of every
 * completion request the page makes, over the WebSocket or REST. */
async function openRoom(context, id, asked = null) {
  const page = await context.newPage();
  if (asked !== null) {
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
      const frame = typeof payload === 'string' && payload.includes('"complete"') ? JSON.parse(payload) : null;
      if (frame?.type === 'complete')
        asked.push(`v${frame.v}@${frame.position}`);
    }));
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/complete')) {
        const body = JSON.parse(request.postData() ?? '{}');
        asked.push(`v${body.v}@${body.position}`);
      }
    });
  }
  await page.goto(`${cast.daemon.base}/r/${id}`);
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  return page;
}

/* What the ghost text shows: Monaco draws it as injected text after the
 * caret, in spans of class ghost-text-decoration (one per token). */
function ghostText(page) {
  return page.evaluate(() => [...document.querySelectorAll('.monaco-editor .view-line .ghost-text-decoration')]
    .map((e) => e.textContent).join('').replace(/\u00a0/g, ' '));
}

/* The suggestion list and the ghost text share one request per keystroke. */
function assertAskedOncePerKeystroke(asked) {
  assert.equal(new Set(asked).size, asked.length, `one request per (position, v): ${asked.join(' ')}`);
}

const start = 'def area(width, height):\n    return \n\nprint(area(1, 2))\n';

test('the model\'s text shows as ghost text; Tab takes it for everyone, Escape dismisses it', async () => {
  const id = await cast.daemon.createRoom({ language: 'python', text: start });
  const asked = [];
  const alice = await openRoom(cast.alice, id, asked);
  const bob = await openRoom(cast.bob, id);
  const ghost = alice.locator('.monaco-editor .ghost-text-decoration').first();

  const caret = 'def area(width, height):\n    return '.length;
  await alice.evaluate((cp) => window.pairpad.setCaretCodePoint(cp), caret);
  await alice.keyboard.type('w');
  await ghost.waitFor({ state: 'visible', timeout: 15000 });
  await waitFor(async () => (await ghostText(alice)) === 'idth * height',
                { timeout: 5000, what: 'the model\'s text as ghost text' });
  /* The ghost text wins over the suggestion list ('offWhenInlineCompletions'). */
  assert.equal(await alice.locator('.suggest-widget.visible').count(), 0, 'no suggestion list under the ghost text');
  await alice.screenshot({ path: screenshotPath('ghost-text.png') });

  /* Shown only to Alice: nobody's text has it yet. */
  const typed = 'def area(width, height):\n    return w\n\nprint(area(1, 2))\n';
  assert.equal(await alice.evaluate(() => window.pairpad.getText()), typed);
  assert.equal((await cast.daemon.room(id)).text, typed);

  /* The daemon asked the model about the text around Alice's caret. */
  const request = model.requests.findLast((r) => r.prompt.endsWith('return w'));
  assert.ok(request, 'the model server was asked');
  assert.equal(request.model, 'tiny-coder');
  assert.equal(request.prompt, 'def area(width, height):\n    return w');
  assert.equal(request.suffix, '\n\nprint(area(1, 2))\n');
  assert.equal(typeof request.max_tokens, 'number');

  await alice.keyboard.press('Tab');
  const accepted = 'def area(width, height):\n    return width * height\n\nprint(area(1, 2))\n';
  await waitFor(async () => (await alice.evaluate(() => window.pairpad.getText())) === accepted,
                { timeout: 15000, what: 'the ghost text in Alice\'s text' });
  await waitFor(async () => (await bob.evaluate(() => window.pairpad.getText())) === accepted,
                { timeout: 15000, what: 'the accepted ghost text in Bob\'s page' });
  await waitFor(async () => (await cast.daemon.room(id)).text === accepted,
                { timeout: 15000, what: 'the accepted ghost text in the daemon' });
  assert.equal(await alice.evaluate(() => window.pairpad.getCaretCodePoint()), caret + 'width * height'.length,
               'the caret after it');
  assert.equal(await ghostText(alice), '');

  /* Escape dismisses a ghost text without changing anything. */
  await alice.evaluate((cp) => window.pairpad.setCaretCodePoint(cp), accepted.length);
  await alice.keyboard.type('pri');
  await waitFor(async () => (await ghostText(alice)) === 'nt(area(3, 4))',
                { timeout: 15000, what: 'the second ghost text' });
  await alice.keyboard.press('Escape');
  await ghost.waitFor({ state: 'detached', timeout: 5000 });
  const dismissed = `${accepted}pri`;
  await waitFor(async () => (await cast.daemon.room(id)).text === dismissed,
                { timeout: 15000, what: 'the typed text, nothing more' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await cast.daemon.room(id)).text, dismissed);
  assert.equal(await bob.evaluate(() => window.pairpad.getText()), dismissed);
  assert.equal(await ghostText(alice), '');

  assert.ok(asked.length > 0, 'Alice\'s page asked for completions');
  assertAskedOncePerKeystroke(asked);
  await alice.close();
  await bob.close();
});

test('when the model server fails, the built-in suggestion list still works, without ghost text', async () => {
  model.failing = true;
  const asks = model.requests.length;
  try {
    const id = await cast.daemon.createRoom({ language: 'python', text: 'total_count = 0\n' });
    const asked = [];
    const alice = await openRoom(cast.alice, id, asked);
    const bob = await openRoom(cast.bob, id);

    await alice.evaluate(() => window.pairpad.setCaretCodePoint(16));
    await alice.keyboard.type('tot');
    const row = alice.locator('.suggest-widget .monaco-list-row', { hasText: 'total_count' });
    await row.first().waitFor({ state: 'visible', timeout: 15000 });
    assert.ok(model.requests.slice(asks).some((r) => r.prompt.endsWith('tot')), 'the model was asked, and failed');
    assert.equal(await alice.locator('.monaco-editor .ghost-text-decoration').count(), 0, 'no ghost text');

    await alice.keyboard.press('Tab');
    const expected = 'total_count = 0\ntotal_count';
    await waitFor(async () => (await bob.evaluate(() => window.pairpad.getText())) === expected,
                  { timeout: 15000, what: 'the suggestion in Bob\'s page' });
    assert.equal((await cast.daemon.room(id)).text, expected);
    assertAskedOncePerKeystroke(asked);
    await alice.close();
    await bob.close();
  } finally {
    model.failing = false;
  }
});
