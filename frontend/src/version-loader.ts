// version-loader.ts: scrubbing through a room's versions without flooding the daemon.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/* A slider fires dozens of input events a second, over rooms of thousands
 * of versions. The loader keeps at most one request in flight, starts at
 * most one per interval, and asks only for the version wanted last: the
 * ones passed over in between are never fetched. Answers are kept in a
 * small LRU, so going back and forth costs nothing. */

export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      /* A Map iterates in insertion order: re-inserting makes it the newest. */
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done === true)
        break;
      this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export interface VersionLoaderOptions<T> {
  load: (v: number) => Promise<T>;
  /* The wanted version arrived (from the cache, synchronously, or later). */
  onLoaded: (v: number, value: T) => void;
  onError: (v: number, err: unknown) => void;
  intervalMs?: number;
  cacheSize?: number;
  now?: () => number;         /* monotonic milliseconds */
}

export class VersionLoader<T> {
  private readonly opts: VersionLoaderOptions<T>;
  private readonly cache: LruCache<number, T>;
  private readonly interval: number;
  private readonly now: () => number;
  private wanted: number | null = null;
  private inflight = false;
  private lastStart = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(opts: VersionLoaderOptions<T>) {
    this.opts = opts;
    this.cache = new LruCache(opts.cacheSize ?? 32);
    this.interval = opts.intervalMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Shows version `v` as soon as it can; a later request replaces it. */
  request(v: number): void {
    this.wanted = v;
    const cached = this.cache.get(v);
    if (cached !== undefined) {
      this.opts.onLoaded(v, cached);
      return;
    }
    this.schedule();
  }

  /* How many answers are kept; a version's text never changes, so they never go stale. */
  get cached(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.inflight || this.timer !== undefined || this.disposed)
      return;
    const wait = Math.max(0, this.lastStart + this.interval - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, wait);
  }

  private start(): void {
    const v = this.wanted;
    if (v === null || this.disposed)
      return;
    const cached = this.cache.get(v);
    if (cached !== undefined) {
      this.opts.onLoaded(v, cached);
      return;
    }
    this.inflight = true;
    this.lastStart = this.now();
    this.opts.load(v).then((value) => {
      this.cache.set(v, value);
      if (!this.disposed && this.wanted === v)
        this.opts.onLoaded(v, value);
    }, (err: unknown) => {
      if (!this.disposed && this.wanted === v)
        this.opts.onError(v, err);
    }).finally(() => {
      this.inflight = false;
      if (this.wanted !== v)
        this.schedule();
    });
  }
}
