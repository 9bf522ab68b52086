// React side of the compile-as-you-type loop (compile-loop.ts): every spec change asks
// for a compile; the first spec of a project compiles at once, later ones after the
// debounce.

import { useEffect, useRef, useState } from 'react';
import type { ModelSpec } from '../../preload/api';
import { CompileLoop, type CompileState } from './compile-loop';
import { useWorkbench } from './workbench-api';

export function useCompile(spec: ModelSpec | null, debounceMs: number, loadSeq: number): CompileState {
  const api = useWorkbench();
  const [state, setState] = useState<CompileState>({ view: null, spec: null, pending: false, failure: null, seq: 0 });
  const loop = useRef<CompileLoop | null>(null);
  const lastLoad = useRef(-1);

  useEffect(() => {
    const l = new CompileLoop((s) => api['compile.run']({ spec: s }), setState, debounceMs);
    loop.current = l;
    lastLoad.current = -1;
    return () => {
      l.dispose();
      loop.current = null;
    };
    // debounce changes are applied below without re-creating the loop
  }, [api]);

  useEffect(() => loop.current?.setDebounce(debounceMs), [debounceMs]);

  useEffect(() => {
    const l = loop.current;
    if (!l || !spec) return;
    if (lastLoad.current !== loadSeq) {
      lastLoad.current = loadSeq;
      l.now(spec);
    } else {
      l.request(spec);
    }
  }, [spec, loadSeq]);

  return state;
}
