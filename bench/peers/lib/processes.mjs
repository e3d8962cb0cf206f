// processes.mjs: the servers and drivers bench/compare.mjs starts, and the
// guarantee that none outlives it, Ctrl-C and failures included.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { spawn, spawnSync } from 'node:child_process';

const live = new Set();
const cleanups = new Set();
const TAIL_BYTES = 4096;

/*
 * Registers a synchronous cleanup (removing a directory, stopping a
 * database) for an interrupted run; returns a function that runs it now, once.
 */
export function onCleanup (fn) {
  let done = false;
  const run = () => {
    if (done)
      return;
    done = true;
    cleanups.delete(run);
    fn();
  };
  cleanups.add(run);
  return run;
}

/* Kills whatever is still running and runs the pending cleanups. */
export function cleanUpNow () {
  for (const child of live)
    child.kill('SIGKILL');
  for (const run of [...cleanups])
    run();
}

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    process.stderr.write(`\ncompare: ${signal}, stopping everything\n`);
    cleanUpNow();
    process.exit(status);
  });
}

function track (command, args, env) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(child);
  child.stdoutText = '';
  child.stderrTail = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text) => { child.stdoutText += text; });
  child.stderr.on('data', (text) => { child.stderrTail = (child.stderrTail + text).slice(-TAIL_BYTES); });
  child.exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    });
    // A command that cannot start at all also ends up in 'close'.
    child.on('error', (error) => { child.stderrTail += error.message; });
  });
  return child;
}

/* The last non-empty line of some output, for error messages. */
export const lastLine = (text) => text.trim().split('\n').pop() ?? '';

/*
 * Starts a server and resolves with { child, port } once its stdout has a
 * line like "... listening on ws://127.0.0.1:PORT"; rejects when it exits
 * or stays silent for timeoutMs.
 */
export function startServer (command, args, { env = process.env, timeoutMs = 30000 } = {}) {
  const child = track(command, args, env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} was not listening after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on \w+:\/\/127\.0\.0\.1:(\d+)/.exec(child.stdoutText);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${status}) before listening: ${lastLine(child.stderrTail)}`));
    });
  });
}

/* SIGTERM, then SIGKILL if it is still there after graceMs. */
export async function stopServer (child, graceMs = 5000) {
  if (!live.has(child))
    return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/* Runs a command to its end (killed after timeoutMs): { status, stdout, stderr }. */
export async function runCommand (command, args, { timeoutMs }) {
  const child = track(command, args, process.env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const status = await child.exited;
  clearTimeout(timer);
  return {
    status, timedOut, stdout: child.stdoutText,
    stderr: timedOut ? `killed after ${timeoutMs / 1000} s` : child.stderrTail,
  };
}

/* For commands that must run to completion even inside a signal handler. */
export function runSync (command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${lastLine(result.stderr ?? '')}`);
  return result.stdout;
}
