// @vitest-environment jsdom
// The Run tab's preview requests: one at a time (each carries the whole file), the newest
// edit sent after the one out, an answer about a file no longer chosen shown nowhere.

import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventPreviewRequest, EventPreviewView, InputMappingView, Shape3, WorkbenchApi } from '../../../preload/api';
import { WorkbenchContext } from '../../../renderer/app/workbench-api';
import { useEventPreview } from '../../../renderer/runs/use-event-preview';

function view(mapping: InputMappingView, format = 'AEDAT 4.0'): EventPreviewView {
  return { camera: true, format, events: 1, spanUs: 0, sensor: { width: 8, height: 8 }, extent: { width: 8, height: 8 }, suggested: {}, mapping, raw: null, mapped: null, mappedShape: [2, 8, 8], problem: null, kept: 1, notes: [], dvsLayer: null };
}

function fakeApi() {
  const calls: Array<{ req: EventPreviewRequest; resolve(v: EventPreviewView): void }> = [];
  const api = { 'events.preview': (req: EventPreviewRequest) => new Promise<EventPreviewView>((resolve) => calls.push({ req, resolve })) } as unknown as WorkbenchApi;
  return { api, calls };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('preview requests', () => {
  const shape: Shape3 = [2, 8, 8];
  const fileA = { name: 'a.aedat4', bytes: new Uint8Array([1]) };
  const fileB = { name: 'b.aedat4', bytes: new Uint8Array([2]) };

  it('sends one at a time, and after the one out only the newest edit', async () => {
    vi.useFakeTimers();
    const { api, calls } = fakeApi();
    const wrapper = ({ children }: { children: ReactNode }) => <WorkbenchContext.Provider value={api}>{children}</WorkbenchContext.Provider>;
    const { result, rerender } = renderHook((p: { m: InputMappingView | undefined }) => useEventPreview(fileA, shape, p.m), { wrapper, initialProps: { m: undefined as InputMappingView | undefined } });
    await act(async () => void vi.advanceTimersByTime(0));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.req.mapping).toBeUndefined();
    for (const factor of [2, 3, 4]) {
      rerender({ m: { downsample: { factor } } });
      await act(async () => void vi.advanceTimersByTime(300));
    }
    expect(calls).toHaveLength(1);
    await act(async () => calls[0]!.resolve(view({})));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.req.mapping).toEqual({ downsample: { factor: 4 } });
    expect(result.current.pending).toBe(true);
    await act(async () => calls[1]!.resolve(view({ downsample: { factor: 4 } })));
    expect(result.current).toMatchObject({ pending: false, previewedKey: JSON.stringify({ downsample: { factor: 4 } }) });
  });

  it('drops the answer about the file chosen before', async () => {
    vi.useFakeTimers();
    const { api, calls } = fakeApi();
    const wrapper = ({ children }: { children: ReactNode }) => <WorkbenchContext.Provider value={api}>{children}</WorkbenchContext.Provider>;
    const { result, rerender } = renderHook((p: { f: typeof fileA }) => useEventPreview(p.f, shape, undefined), { wrapper, initialProps: { f: fileA } });
    await act(async () => void vi.advanceTimersByTime(0));
    rerender({ f: fileB });
    await act(async () => void vi.advanceTimersByTime(0));
    await act(async () => calls[0]!.resolve(view({}, 'the first file')));
    expect(result.current.preview).toBeNull();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.req.name).toBe('b.aedat4');
    await act(async () => calls[1]!.resolve(view({}, 'the second file')));
    expect(result.current.preview?.format).toBe('the second file');
  });
});
