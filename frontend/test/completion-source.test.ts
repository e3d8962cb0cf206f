import { describe, expect, it, vi } from 'vitest';
import { shareLatest, splitCompletions } from '../src/completion-source';
import type { Completions } from '../src/protocol';

const answer: Completions = {
  v: 4,
  prefixLength: 3,
  items: [
    { label: 'a + b', insert: ' + b', kind: 'model', replace: 0 },
    { label: 'total_count', insert: 'total_count', kind: 'word' },
    { label: 'try', insert: 'try:\n    ', kind: 'snippet' },
  ],
};

describe('shareLatest', () => {
  it('asks once for one keystroke, again for the next one', async () => {
    const source = vi.fn(async (position: number, v: number) => ({ ...answer, prefixLength: position + v }));
    const shared = shareLatest(source);
    const first = shared(4, 7);
    expect(shared(4, 7)).toBe(first);
    expect(source).toHaveBeenCalledTimes(1);
    expect((await first).prefixLength).toBe(11);

    await shared(5, 7);
    await shared(5, 8);
    expect(source.mock.calls).toEqual([[4, 7], [5, 7], [5, 8]]);
    /* Only the latest is remembered: going back asks again. */
    await shared(4, 7);
    expect(source).toHaveBeenCalledTimes(4);
  });

  it('shares a failure too, and turns a throw into a rejection', async () => {
    const source = vi.fn((): Promise<Completions> => {
      throw new Error('offline');
    });
    const shared = shareLatest(source);
    await expect(shared(1, 1)).rejects.toThrow('offline');
    await expect(shared(1, 1)).rejects.toThrow('offline');
    expect(source).toHaveBeenCalledTimes(1);
  });
});

describe('splitCompletions', () => {
  it('gives the model item to the ghost text and the built-in items to the list', () => {
    const { ghost, list } = splitCompletions(answer);
    expect(ghost?.insert).toBe(' + b');
    expect(list.map((i) => i.label)).toEqual(['total_count', 'try']);
  });

  it('has no ghost text without a model item, or with an empty one', () => {
    expect(splitCompletions({ v: 0, prefixLength: 0, items: [] })).toEqual({ ghost: undefined, list: [] });
    const empty = splitCompletions({
      v: 0, prefixLength: 0, items: [{ label: '', insert: '', kind: 'model', replace: 0 }],
    });
    expect(empty).toEqual({ ghost: undefined, list: [] });
  });
});
