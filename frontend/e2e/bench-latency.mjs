// bench-latency.mjs: keystroke in page A → the character on screen in page B.
//
//   PAIRPADD=build-bench/src/daemon/pairpadd node frontend/e2e/bench-latency.mjs [KEYSTROKES]
//
// Two headless Chromium profiles join one room of a real pairpadd (SQLite).
// Each keystroke goes through Monaco's own "type" command in A; B records
// when the resulting remote edit has been applied to its editor. Both pages
// read the same machine clock (performance.timeOrigin + performance.now()),
// so the difference is the end-to-end latency: A's binding, session and
// socket, the daemon's transform, group commit and broadcast, and B's
// session and binding. Keystrokes are sequential (one in flight).
import { Daemon, openBrowser, closeBrowser } from './harness.mjs';

const count = Number(process.argv[2] ?? 300);
const daemon = await new Daemon().start();
const id = await daemon.createRoom({ text: '' });
const browsers = [await openBrowser(), await openBrowser()];
const pages = [];
for (const context of browsers) {
  const page = await context.newPage();
  await page.goto(`${daemon.base}/r/${id}`);
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  pages.push(page);
}
const [a, b] = pages;

await b.evaluate(() => {
  window.__arrivals = [];
  window.pairpad.editor.getModel().onDidChangeContent(() => {
    window.__arrivals.push(performance.timeOrigin + performance.now());
  });
});
await a.evaluate(() => window.pairpad.editor.focus());

const latencies = [];
for (let i = 0; i < count; i++) {
  const sent = await a.evaluate(() => {
    const t = performance.timeOrigin + performance.now();
    window.pairpad.editor.trigger('keyboard', 'type', { text: 'x' });
    return t;
  });
  const arrived = await b.waitForFunction((n) => window.__arrivals.length > n && window.__arrivals[n],
    i, { timeout: 10000, polling: 'raf' });
  latencies.push((await arrived.jsonValue()) - sent);
}

latencies.sort((x, y) => x - y);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(`keystroke → other page: ${count} keystrokes, p50 ${at(0.5).toFixed(1)} ms, ` +
            `p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`);

for (const context of browsers) await closeBrowser(context);
await daemon.stop();
daemon.cleanup();
