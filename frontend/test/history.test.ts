import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { blameOf, decodeBlame, tintClass } from '../src/blame';
import { LruCache, VersionLoader } from '../src/version-loader';

describe('blameOf', () => {
  it('merges neighbouring spans of one author and orders the legend by share', () => {
    const { tints, authors } = blameOf([
      { length: 3, client: null, name: null, color: null },
      { length: 2, client: 'alice-123', name: 'Alice', color: '#3E63DD' },
      { length: 1, client: 'alice-123', name: 'Alice', color: '#3E63DD' },
      { length: 4, client: 'bob-12345', name: 'Bob', color: '#e5484d' },
      { length: 0, client: 'carol-123', name: 'Carol', color: '#30a46c' },
    ], 10);
    expect(tints.map((t) => [t.start, t.end, t.author.name])).toEqual([
      [0, 3, 'Initial text'], [3, 6, 'Alice'], [6, 10, 'Bob'],
    ]);
    expect(authors.map((a) => [a.name, a.length, a.tintClass])).toEqual([
      ['Bob', 4, 'pp-tint-e5484d'], ['Alice', 3, 'pp-tint-3e63dd'], ['Initial text', 3, ''],
    ]);
  });

  it('never tints past the text, and makes a safe class of a bad color', () => {
    const { tints, authors } = blameOf([{ length: 50, client: 'x-1234567', name: 'X', color: 'red;}' }], 5);
    expect(tints).toEqual([{ start: 0, end: 5, author: authors[0] }]);
    expect(authors[0]?.tintClass).toBe('pp-tint-808080');
    expect(tintClass('#ABCDEF')).toBe('pp-tint-abcdef');
  });

  it('checks the answer before trusting it', () => {
    expect(decodeBlame({ spans: [{ length: 2, client: 'c', name: 'N', color: '#000000' }] }))
      .toEqual([{ length: 2, client: 'c', name: 'N', color: '#000000' }]);
    expect(() => decodeBlame({ spans: [{ length: -1 }] })).toThrow();
    expect(() => decodeBlame({ spans: [{ length: 1.5 }] })).toThrow();
    expect(() => decodeBlame({})).toThrow();
  });
});

describe('LruCache', () => {
  it('drops the least recently used entry', () => {
    const c = new LruCache<number, string>(2);
    c.set(1, 'a');
    c.set(2, 'b');
    expect(c.get(1)).toBe('a');
    c.set(3, 'c');
    expect(c.get(2)).toBeUndefined();
    expect(c.get(1)).toBe('a');
    expect(c.get(3)).toBe('c');
    expect(c.size).toBe(2);
  });
});

describe('VersionLoader', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(latency = 30) {
    const loads: number[] = [];
    const shown: number[] = [];
    const loader = new VersionLoader<string>({
      load: (v) => {
        loads.push(v);
        return new Promise((resolve) => setTimeout(() => resolve(`text ${v}`), latency));
      },
      onLoaded: (v, text) => {
        expect(text).toBe(`text ${v}`);
        shown.push(v);
      },
      onError: () => undefined,
      intervalMs: 100,
      now: () => Date.now(),
    });
    return { loader, loads, shown };
  }

  it('fetches only the latest of a fast drag, at most once per interval', async () => {
    const { loader, loads, shown } = setup();
    for (let v = 10000; v >= 0; v -= 10) {
      loader.request(v);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(500);
    /* ~1000 ms of dragging: about one fetch per 100 ms, and the last one. */
    expect(loads.length).toBeLessThanOrEqual(13);
    expect(loads[loads.length - 1]).toBe(0);
    expect(shown[shown.length - 1]).toBe(0);
    loader.dispose();
  });

  it('answers from its cache at once', async () => {
    const { loader, loads, shown } = setup();
    loader.request(5);
    await vi.advanceTimersByTimeAsync(200);
    expect(shown).toEqual([5]);
    loader.request(7);
    await vi.advanceTimersByTimeAsync(200);
    loader.request(5);
    expect(shown).toEqual([5, 7, 5]);
    expect(loads).toEqual([5, 7]);
    loader.dispose();
  });

  it('keeps one request in flight, and drops an answer nobody wants any more', async () => {
    const { loader, loads, shown } = setup(500);
    loader.request(1);
    await vi.advanceTimersByTimeAsync(10);
    loader.request(2);
    loader.request(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(loads).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(loads).toEqual([1, 3]);
    expect(shown).toEqual([3]);
    loader.dispose();
  });
});
