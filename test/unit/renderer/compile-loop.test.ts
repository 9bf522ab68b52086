import { describe, expect, it, vi } from 'vitest';
import type { CompileView, ModelSpec } from '../../../preload/api';
import { CompileLoop, MIN_PAUSE_MS, pauseAfterEdit, type CompileState } from '../../../renderer/app/compile-loop';
import { fakeCompile, LENET_EXAMPLE } from './fake-workbench';

const spec = (source: string): ModelSpec => ({ ...LENET_EXAMPLE.spec, source });

/** A compile whose replies the test releases by hand, in any order. */
function manualCompile() {
  const waiting: Array<{ spec: ModelSpec; resolve(v: CompileView): void; reject(e: unknown): void }> = [];
  const fn = (s: ModelSpec) =>
    new Promise<CompileView>((resolve, reject) => {
      waiting.push({ spec: s, resolve, reject });
    });
  return { fn, waiting };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('compile as you type: debounce', () => {
  it('compiles once, with the last text, after the user pauses for the debounce time', async () => {
    vi.useFakeTimers();
    try {
      const compile = vi.fn(async (s: ModelSpec) => fakeCompile(s));
      const states: CompileState[] = [];
      const loop = new CompileLoop(compile, (s) => states.push(s), 300);
      loop.request(spec('a'));
      vi.advanceTimersByTime(100);
      loop.request(spec('ab'));
      vi.advanceTimersByTime(100);
      loop.request(spec('abc'));
      vi.advanceTimersByTime(299);
      expect(compile).not.toHaveBeenCalled();
      expect(loop.current.pending).toBe(true);
      vi.advanceTimersByTime(1);
      expect(compile).toHaveBeenCalledTimes(1);
      expect(compile.mock.calls[0]![0].source).toBe('abc');
      await vi.runAllTimersAsync();
      expect(loop.current.pending).toBe(false);
      expect(loop.current.spec?.source).toBe('abc');
    } finally {
      vi.useRealTimers();
    }
  });

  it('now() compiles without waiting and cancels a pending debounce', async () => {
    vi.useFakeTimers();
    try {
      const compile = vi.fn(async (s: ModelSpec) => fakeCompile(s));
      const loop = new CompileLoop(compile, () => undefined, 300);
      loop.request(spec('typed'));
      loop.now(spec('opened'));
      expect(compile).toHaveBeenCalledTimes(1);
      expect(compile.mock.calls[0]![0].source).toBe('opened');
      await vi.runAllTimersAsync();
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('compile as you type: the pause follows the compile time', () => {
  it('waits the whole debounce before the first compile, then three round trips (40 ms at least, the setting at most)', () => {
    expect(pauseAfterEdit(300, null)).toBe(300);
    expect(pauseAfterEdit(300, 2)).toBe(40);
    expect(pauseAfterEdit(300, 20)).toBe(60);
    expect(pauseAfterEdit(300, 20.1)).toBe(61);
    expect(pauseAfterEdit(300, 500)).toBe(300);
    expect(pauseAfterEdit(0, 5)).toBe(0);
    expect(MIN_PAUSE_MS).toBe(40);
  });

  it('after a compile that came back in 5 ms, the next edit compiles 40 ms after the user paused', async () => {
    vi.useFakeTimers();
    try {
      let replyIn = 5;
      const compile = vi.fn((s: ModelSpec) => new Promise<CompileView>((resolve) => setTimeout(() => resolve(fakeCompile(s)), replyIn)));
      const loop = new CompileLoop(compile, () => undefined, 300);
      loop.request(spec('a'));
      await vi.advanceTimersByTimeAsync(300 + 5);
      expect(compile).toHaveBeenCalledTimes(1);
      expect(loop.current.pending).toBe(false);
      replyIn = 200;
      loop.request(spec('ab'));
      await vi.advanceTimersByTimeAsync(39);
      expect(compile).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(compile).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(200);
      // That one took 200 ms: the next edit waits the whole 300 ms setting again.
      loop.request(spec('abc'));
      await vi.advanceTimersByTimeAsync(299);
      expect(compile).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(compile).toHaveBeenCalledTimes(3);
      loop.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('compile as you type: stale replies', () => {
  it('never shows a reply for text the user has changed since; the newer text is compiled next', async () => {
    const c = manualCompile();
    const loop = new CompileLoop(c.fn, () => undefined, 0);
    loop.now(spec('old'));
    expect(c.waiting).toHaveLength(1);
    // The user types while "old" compiles: at most one request in flight, the new one waits.
    loop.now(spec('new'));
    expect(c.waiting).toHaveLength(1);
    c.waiting[0]!.resolve({ ...fakeCompile(spec('old')), timings: { totalMs: 111 } });
    await flush();
    expect(loop.current.view).toBeNull();
    expect(loop.current.pending).toBe(true);
    expect(c.waiting).toHaveLength(2);
    expect(c.waiting[1]!.spec.source).toBe('new');
    c.waiting[1]!.resolve({ ...fakeCompile(spec('new')), timings: { totalMs: 222 } });
    await flush();
    expect(loop.current.view?.timings.totalMs).toBe(222);
    expect(loop.current.spec?.source).toBe('new');
    expect(loop.current.pending).toBe(false);
  });

  it('sends only the newest of several specs that arrived while one was in flight', async () => {
    const c = manualCompile();
    const loop = new CompileLoop(c.fn, () => undefined, 0);
    loop.now(spec('1'));
    loop.now(spec('2'));
    loop.now(spec('3'));
    c.waiting[0]!.resolve(fakeCompile(spec('1')));
    await flush();
    expect(c.waiting.map((w) => w.spec.source)).toEqual(['1', '3']);
  });

  it('shows a failed request as a failure, keeping the last good result', async () => {
    const c = manualCompile();
    const loop = new CompileLoop(c.fn, () => undefined, 0);
    loop.now(spec('good'));
    c.waiting[0]!.resolve({ ...fakeCompile(spec('good')), timings: { totalMs: 5 } });
    await flush();
    loop.now(spec('then'));
    c.waiting[1]!.reject(Object.assign(new Error('x'), { payload: { code: 'INTERNAL', message: 'worker crashed' } }));
    await flush();
    expect(loop.current.failure).toBe('worker crashed');
    expect(loop.current.view?.timings.totalMs).toBe(5);
    expect(loop.current.pending).toBe(false);
  });

  it('ignores replies that come back after dispose', async () => {
    const c = manualCompile();
    const onChange = vi.fn();
    const loop = new CompileLoop(c.fn, onChange, 0);
    loop.now(spec('x'));
    const calls = onChange.mock.calls.length;
    loop.dispose();
    c.waiting[0]!.resolve(fakeCompile(spec('x')));
    await flush();
    expect(onChange.mock.calls.length).toBe(calls);
  });
});
