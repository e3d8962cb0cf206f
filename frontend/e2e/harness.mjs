// harness.mjs: a real pairpadd and a real headless Chromium for the end-to-end tests.
//
// PAIRPADD names the daemon binary (tests/run-all.sh sets it); the client is
// served from ../dist, so build it first (npm run build).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, '..', 'dist');
export const screenshotDir = process.env.PAIRPAD_SCREENSHOTS ?? join(here, '..', '..', 'build-test', 'screenshots');

export class Daemon {
  constructor(extraArgs = []) {
    this.extraArgs = extraArgs;
    this.dir = mkdtempSync(join(tmpdir(), 'pairpad-e2e-'));
    this.port = 0;
  }

  // Starts pairpadd (again on the same port after a stop) and waits until it listens.
  async start() {
    const binary = process.env.PAIRPADD;
    if (!binary) throw new Error('PAIRPADD is not set');
    this.process = spawn(binary, [
      '--address', '127.0.0.1', '--port', String(this.port),
      '--database', `sqlite://${this.dir}/pairpad.db`, '--web-root', distDir,
      // Both browsers come from 127.0.0.1: no per-address limit but the tests'.
      '--max-connections-per-address', '100000', '--max-rooms-per-minute', '100000',
      ...this.extraArgs,
    ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CONFIG_HOME: this.dir } });
    const lines = createInterface({ input: this.process.stdout });
    const url = await new Promise((resolve, reject) => {
      this.process.once('exit', (code) => reject(new Error(`pairpadd exited with ${code}`)));
      lines.once('line', resolve);
    });
    const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(url);
    if (!match) throw new Error(`pairpadd said: ${url}`);
    this.base = match[1];
    this.port = Number(match[2]);
    return this;
  }

  // SIGTERM by default; resolves with the exit code (or the signal name).
  async stop(signal = 'SIGTERM') {
    if (!this.process) return null;
    const process = this.process;
    this.process = null;
    const done = new Promise((resolve) => process.once('exit', (code, sig) => resolve(code ?? sig)));
    process.kill(signal);
    return done;
  }

  async createRoom(body = {}) {
    const response = await fetch(`${this.base}/api/v1/rooms`, {
      method: 'POST', body: JSON.stringify({ language: 'javascript', ...body }),
    });
    if (response.status !== 201) throw new Error(`create room: ${response.status}`);
    return (await response.json()).id;
  }

  async room(id) {
    const response = await fetch(`${this.base}/api/v1/rooms/${id}`);
    return response.json();
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// One persistent Chromium context per simulated person (own localStorage).
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'pairpad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.profile = profile;
  return context;
}

export async function closeBrowser(context) {
  await context.close();
  rmSync(context.profile, { recursive: true, force: true });
}

export function screenshotPath(name) {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, name);
}

export async function waitFor(predicate, { timeout = 15000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The usual cast of a test file: one daemon (started with `extraArgs`) and
// two people, Alice and Bob, each in a browser of their own; torn down after
// the file, asserting that the daemon exits cleanly. Use the returned
// object's fields inside tests (they are set by the `before` hook).
// `extraArgs` may also be a function returning the arguments (or a promise
// of them), called in that hook: for a server the daemon should talk to,
// which must listen before the daemon starts.
export function twoPeople(extraArgs = []) {
  const cast = { daemon: null, alice: null, bob: null };
  before(async () => {
    const args = typeof extraArgs === 'function' ? await extraArgs() : extraArgs;
    cast.daemon = await new Daemon(args).start();
    cast.alice = await openBrowser();
    cast.bob = await openBrowser();
  });
  after(async () => {
    await closeBrowser(cast.alice);
    await closeBrowser(cast.bob);
    const status = await cast.daemon.stop();
    cast.daemon.cleanup();
    assert.equal(status, 0, 'pairpadd exits cleanly (and, built with ASan, leak-free)');
  });
  return cast;
}
