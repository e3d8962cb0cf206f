// accounts.test.mjs: sign-up, sign-in and sign-out with a real browser cookie, in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, twoPeople, waitFor } from './harness.mjs';

const cast = twoPeople(['--auth', 'accounts', '--room-creation', 'accounts']);

const accountHeading = (page) => page.waitForSelector('#account-heading', { timeout: 15000 });

test('sign up, create a room as a verified name, sign out', async () => {
  const page = await cast.alice.newPage();
  await page.goto(`${cast.daemon.base}/`);
  await accountHeading(page);
  /* Only signed-in people may create rooms here. */
  assert.equal(await page.locator('button:has-text("Create room")').isDisabled(), true);
  assert.match(await page.locator('.form-error').first().innerText(), /Sign in to create a room/);

  await page.fill('#account-name', 'ada');
  await page.fill('#account-password', 'correct horse battery');
  await page.click('button:has-text("Create account")');
  await page.waitForSelector('.account-name:has-text("ada")', { timeout: 15000 });
  await page.screenshot({ path: screenshotPath('signed-in.png') });

  /* The session is a cookie script cannot read. */
  const cookies = await cast.alice.cookies(cast.daemon.base);
  const session = cookies.find((c) => c.name === 'pairpad_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie.includes('pairpad_session')), false);

  await page.fill('#new-code', 'signed code\n');
  await page.click('button:has-text("Create room")');
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/, { timeout: 15000 });
  await page.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  const id = page.url().split('/r/')[1];

  /* Bob, not signed in, sees her account's name, marked as verified. */
  const other = await cast.bob.newPage();
  await other.goto(`${cast.daemon.base}/r/${id}`);
  await other.waitForFunction(() => window.pairpad?.session?.state === 'synced', null, { timeout: 30000 });
  await waitFor(() => other.evaluate(() => [...window.pairpad.session.users.values()]
    .some((u) => u.name === 'ada' && u.verified === true)), { timeout: 15000, what: 'ada, verified, in Bob\'s list' });
  await other.waitForSelector('.people .person:has-text("ada") .verified', { timeout: 15000 });
  assert.equal(await page.evaluate(() => [...window.pairpad.session.users.values()].some((u) => u.verified === true)),
               false, 'Bob is not verified');
  await other.close();

  /* Signing out ends the session on the daemon, not only in this browser. */
  await page.goto(`${cast.daemon.base}/`);
  await page.click('.account-box button:has-text("Sign out")');
  await page.waitForSelector('#account-password', { timeout: 15000 });
  const stale = await fetch(`${cast.daemon.base}/api/v1/auth`, { headers: { Cookie: `pairpad_session=${session.value}` } });
  assert.equal((await stale.json()).user, null, 'the old cookie no longer signs anyone in');
  await page.close();
});

test('a wrong password is refused with a clear message, the right one signs in', async () => {
  const page = await cast.alice.newPage();
  await page.goto(`${cast.daemon.base}/`);
  await accountHeading(page);
  await page.fill('#account-name', 'ada');
  await page.fill('#account-password', 'wrong password');
  await page.click('.account-box button:has-text("Sign in")');
  await page.waitForSelector('.account-box .form-error:has-text("Wrong name or password")', { timeout: 15000 });

  await page.fill('#account-password', 'correct horse battery');
  await page.click('.account-box button:has-text("Sign in")');
  await page.waitForSelector('.account-name:has-text("ada")', { timeout: 15000 });
  assert.equal(await page.locator('button:has-text("Create room")').isDisabled(), false);
  await page.close();
});
